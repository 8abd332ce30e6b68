// Package projections derives the read models (agents' queues, the customer portal, KPI
// facts, agents, …) from the event store's records. Each projection is a value declared
// in a file of its own (its name, the streams it reads, its empty row, its pure fold,
// its table) and listed once in the catalogue below; the engine and both read-model
// stores work from that description, not from a list of cases. Every row keeps the
// stream version it has applied and every projection the global position, so a
// redelivered or duplicated record changes nothing and a rebuild from position 0 gives
// the same rows.
package projections

import (
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// Stable projection names: they key checkpoints and tables. Renaming one would make it
// rebuild (or re-consume) everything, so never change them.
const (
	Queues = "queues"
	Portal = "portal"
	KPI    = "kpi"
	Agents = "agents"
)

// catalogue is every projection, in the order the engine applies them: a declared list,
// the one place a new projection is registered.
var catalogue = [...]Projection{
	queuesProjection, portalProjection, kpiProjection, agentsProjection, openByTeamProjection,
	customersProjection, tokensProjection, hotTicketsProjection, hotSpikesProjection,
	articlesProjection, helpVisitorsProjection, articleFeedbackProjection,
}

// Catalogue returns every projection, in the order they are applied.
func Catalogue() []Projection { return catalogue[:] }

// Lookup returns the projection named name.
func Lookup(name string) (Projection, bool) {
	for _, p := range catalogue {
		if p.Name() == name {
			return p, true
		}
	}
	return nil, false
}

// Names lists every projection, in the order they are applied.
func Names() []string {
	out := make([]string, len(catalogue))
	for i, p := range catalogue {
		out[i] = p.Name()
	}
	return out
}

// Known reports whether name is a projection.
func Known(name string) bool {
	_, ok := Lookup(name)
	return ok
}

// Row is one row of a projection: a pointer to the projection's own row type
// (*domain.TicketState, *KPIFact, …), which only the projection looks into.
type Row = any

// Kind is the kind of stream a projection reads: every projection's rows are keyed by
// the id of one aggregate of its kind.
type Kind uint8

// Stream kinds.
const (
	NoStream           Kind = iota // a stream no projection reads (ticket numbers, reservations)
	TicketStreams                  // ticket-<id>
	AgentStreams                   // agent-<id> (every staff account)
	TokenStreams                   // token-<hash>, rows keyed by the token's id
	HotIssueStreams                // hotissue-<id>: one spike each (application/hotissues)
	ArticleStreams                 // article-<id> (the knowledge base)
	HelpVisitorStreams             // helpvisitor-<id> (help-center browsers, for deflections)
)

// ArticleFeedbackStreams: articlefeedback-<article id> (votes on "did this help?"). Its
// own declaration, after the block, keeps the others' lines as they were.
const ArticleFeedbackStreams = HelpVisitorStreams + 1

// Projection is one read model, as the engine and the stores see it. Rows are keyed by
// their aggregate's id and carry the stream version they have applied.
type Projection interface {
	// Name is the projection's stable name (checkpoints, tables, the API).
	Name() string
	// Reads is the kind of stream the projection folds.
	Reads() Kind
	// Empty is the row of aggregate id before its first event.
	Empty(id uuid.UUID) Row
	// Fold folds e into r (which is at e's version - 1) and returns the row after it:
	// a pure function of r and e. It may return r changed in place only when Detach
	// copies rows (see Detach); a panic in it skips e as failed.
	Fold(r Row, e *Event) Row
	// Skip returns r moved to aggregate id's version v without any change (an event the
	// projection skipped as failed), following Fold's rule on changing r in place.
	Skip(r Row, id uuid.UUID, v int64) Row
	// Key is the id of the row's aggregate, and Version the stream version it applied.
	Key(r Row) uuid.UUID
	Version(r Row) int64
	// Detach makes rows the caller's own: rows that Fold changes in place are replaced
	// by copies (rows handed to a store while the engine folds on, or loaded from it).
	// A projection whose Fold never changes a row in place does nothing.
	Detach(rows []Row)
	// Table describes the projection's table, for stores that keep rows in tables.
	Table() *Table
}

// Appender is a projection that also appends rows to a table of its own, at most one
// per event (the portal's public timeline): each is written once and never replaced.
type Appender interface {
	Projection
	// Append adds the row e appends, if any, to rows (nil at first, then what Append
	// returned) and returns them.
	Append(rows Appended, e *Event) Appended
	// AppendTable describes the table of appended rows.
	AppendTable() *Table
}

// Appended is a run of appended rows in a slice of their own type: one allocation per
// run, not one per row.
type Appended interface {
	Len() int
	Row(i int) Row // a pointer into the slice
}

// Event is a record turned into a domain event once, for every projection to share.
type Event struct {
	Record eventlog.Record
	ID     uuid.UUID // the aggregate's id
	Kind   Kind
	Data   domain.Event
	// memo is the ticket's state after this record, computed by the first projection
	// that folds it from memoBase: the others whose row is the same snapshot (nearly
	// always the same pointer) reuse it (one Apply per record, not one per projection).
	// A row differs only where one projection skipped a record the others took (skip).
	memo, memoBase *domain.TicketState
	fail           error // the record does not decode: every projection of its kind skips it
}

// Version is the record's stream version.
func (e *Event) Version() int64 { return e.Record.Version }

// At is when the event occurred.
func (e *Event) At() time.Time { return e.Record.Meta.OccurredAt }

// TicketAfter folds the record's ticket event into s, or reuses the fold another
// projection did. The result is shared: callers never change it.
func (e *Event) TicketAfter(s *domain.TicketState) *domain.TicketState {
	if e.memo != nil && (e.memoBase == s || *e.memoBase == *s) {
		return e.memo
	}
	n := ApplyTicket(*s, e.Data, e.At())
	e.memo, e.memoBase = &n, s
	return e.memo
}

// Ticket is TicketAfter for a projection that keeps the snapshot by value (inside a row
// of its own): before is compared with the fold another projection did, by value.
func (e *Event) Ticket(before domain.TicketState) domain.TicketState {
	if e.memo != nil && *e.memoBase == before {
		return *e.memo
	}
	base := before
	return *e.TicketAfter(&base)
}
