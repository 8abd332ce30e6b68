// Package projections derives the read models (agents' queues, the customer portal, KPI
// facts, agents) from the event store's records. The logic is pure functions
// (row, record) → row, shared by every read-model store; the stores (memory, PostgreSQL)
// differ only in storage. Every row keeps the stream version it has applied and every
// projection the global position, so a redelivered or duplicated record changes nothing
// and a rebuild from position 0 gives the same rows.
package projections

// Stable projection names: they key checkpoints and tables. Renaming one would make it
// rebuild (or re-consume) everything, so never change them.
const (
	Queues = "queues"
	Portal = "portal"
	KPI    = "kpi"
	Agents = "agents"
)

// Names lists every projection, in the order they are applied.
func Names() []string { return []string{Queues, Portal, KPI, Agents} }

// Known reports whether name is a projection.
func Known(name string) bool {
	for _, n := range Names() {
		if n == name {
			return true
		}
	}
	return false
}
