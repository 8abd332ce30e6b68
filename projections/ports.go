package projections

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/domain"
)

// Batch is what one projection changed since its last commit: the rows to upsert and the
// position it has applied up to. A store writes a batch's rows and checkpoint atomically.
type Batch struct {
	Projection string
	Position   uint64
	// IntoEmpty: none of the batch's rows was ever committed (the first commit of a
	// rebuild into empty tables), so a store may insert them without looking for
	// conflicts.
	IntoEmpty bool
	// Rows are the projection's changed rows (Projection.Table), in key order.
	Rows []Row
	// Appended are the rows the projection appended (Appender.AppendTable: the portal's
	// timeline), each written once.
	Appended []Row
	// Failures are the records the projection skipped (failure.go), stored with the
	// checkpoint that moves past them.
	Failures []Failure
}

// Writer is the side of a read-model store the projection engine writes through.
type Writer interface {
	// Checkpoint returns the position projection name has applied (0 when none).
	Checkpoint(ctx context.Context, name string) (uint64, error)
	// Load returns projection name's stored rows for these keys (ticket or agent ids);
	// keys without a row are absent (Batch.Rows). Appended rows are not loaded.
	Load(ctx context.Context, name string, ids []uuid.UUID) (Batch, error)
	// Commit writes every batch, rows and checkpoints, in one transaction.
	Commit(ctx context.Context, batches []Batch) error
}

// RowsInMemory is implemented by a writer that holds its rows in this process, so that
// loading one costs no round trip: the engine then keeps no second copy of every row
// while it catches up, and commits as it goes.
type RowsInMemory interface {
	RowsInMemory()
}

// QueueFilter selects open tickets; an empty field does not filter. Breached is applied
// by Queue (it depends on the time of the query), the others by the store.
type QueueFilter struct {
	Status   domain.Status
	Team     string
	Assignee uuid.UUID
	Priority domain.Priority
	Category string
	// Tag is a normalised tag the ticket carries (domain.NormalizeTag).
	Tag      string
	Breached *bool
	// ByDue orders by the nearest running due time alone, priority not first: the SLA
	// watch's "most urgent first" (false: the working order, SortQueue).
	ByDue bool
}

// Queries is the side of a read-model store that the read endpoints use.
type Queries interface {
	Checkpoint(ctx context.Context, name string) (uint64, error)
	// OpenTickets returns the open tickets matching the filter's stored fields, in any order.
	OpenTickets(ctx context.Context, f QueueFilter) ([]domain.TicketState, error)
	// QueuePage returns the open tickets matching the whole filter (breached judged at
	// now) in the order of SortQueue, from offset, at most limit, and whether more follow.
	QueuePage(ctx context.Context, f QueueFilter, now time.Time, offset, limit int) ([]domain.TicketState, bool, error)
	// TicketPage returns the tickets (open or not) matching the filter, from the queues
	// projection, in the order of TicketBefore, those after the cursor, at most limit,
	// and whether more follow.
	TicketPage(ctx context.Context, f TicketFilter, after TicketCursor, limit int) ([]domain.TicketState, bool, error)
	// KPIFacts returns the facts of tickets received in [from, to).
	KPIFacts(ctx context.Context, from, to time.Time) ([]KPIFact, error)
	// PortalTicket returns the portal's row of a ticket and its timeline, oldest first.
	PortalTicket(ctx context.Context, id uuid.UUID) (domain.TicketState, []PortalEntry, bool, error)
	// Agents returns every agent with the number of open tickets assigned to each.
	Agents(ctx context.Context) ([]AgentRow, error)
	// Agent returns one agent with its open tickets.
	Agent(ctx context.Context, id uuid.UUID) (AgentRow, bool, error)
	// Rows returns every row of projection name (Projection.Table), in key order: the
	// generic read of a projection that needs no query of its own.
	Rows(ctx context.Context, name string) ([]Row, error)
	// RowVersion is the stream version projection name has applied for a ticket or an
	// agent, or -1 when it has none: what ?min_version waits for.
	RowVersion(ctx context.Context, name string, id uuid.UUID) (int64, error)
}

// Store is a read-model store: written by the engine, read by the endpoints, and able to
// rebuild a projection beside the live rows and swap the result in.
type Store interface {
	Writer
	Queries
	// RebuildWriter returns an empty writer for projection name, beside the live rows
	// (new tables or a new store), for a rebuild to write into.
	RebuildWriter(ctx context.Context, name string) (Writer, error)
	// Swap replaces projection name's live rows and checkpoint with rebuilt's (a
	// RebuildWriter's), atomically: a reader sees either the old rows or the new ones.
	Swap(ctx context.Context, name string, rebuilt Writer) error
}

// AgentRow is an agent as GET /agents shows it: profile, presence and load.
type AgentRow struct {
	domain.AgentState
	OpenTickets int
}
