// Package command handles the commands: one handler per command, one file each, built
// with the narrow ports it uses (the event store, the clock, the SLA policy, the secrets,
// the router) and refusing a nil one at construction. Every handler runs the same life on
// one stream (stream_update.go): read (through the stream cache), replay an idempotent
// repeat, check If-Match, fold, let the domain decide, append at the version read. The
// Commands set wires every handler on shared ports for the adapters that drive them.
package command
