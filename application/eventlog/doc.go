// Package eventlog is the event log: the one source of truth. It defines the envelope
// every stored event has (Record, Metadata), the EventStore port every store adapter
// implements, how times are written, the registry of stream kinds and the names of
// streams, and the tamper evidence: canonical JSON, the per-stream hash chain (Seal,
// ComputeHash) and the ChainVerifier that checks it. It knows no aggregate: the domain's
// events are opaque JSON here.
package eventlog
