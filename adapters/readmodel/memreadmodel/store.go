// Package memreadmodel is a read-model store held in memory: the default, rebuilt from the
// event store at every start. It keeps the projections' rows in maps and answers the
// read queries by scanning them; the projection logic itself is in projections/.
package memreadmodel

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections"
)

// Store is an in-memory read-model store. It is safe for concurrent use.
type Store struct {
	mu sync.RWMutex
	d  *data
	// usage is when each token was last used (token_usage.go): not a projection's rows.
	usageMu sync.Mutex
	usage   map[uuid.UUID]time.Time
}

// data is every projection's rows; a rebuild fills a new one and swaps one
// projection's part of it in. The ticket-shaped projections (queues, portal, kpi: every
// ticket has a row in each) are kept packed: a ticket has one row, which holds their
// parts (one map entry per ticket instead of one per projection). The states in it are
// packed (pack.go) and never changed in place (a commit replaces the pointer), so the
// projections share a state at the same version, and readers decode only what they
// return. Open tickets are also kept decoded, for the queue reads that scan and sort
// them. Every other projection of the catalogue has a generic table (generic.go): its
// rows as the projection makes them, by key, so a new projection needs no code here.
type data struct {
	checkpoints map[string]uint64
	rows        map[uuid.UUID]*row
	open        map[uuid.UUID]*domain.TicketState // queues: the open tickets, decoded: what GET /queues scans
	openBy      map[uuid.UUID]int                 // queues: open tickets per assignee
	queues      queueIndex                        // queues: the open tickets in working order (queue_index.go)
	tables      map[string]*table                 // the projections not packed, by name
	failures    map[string][]projections.Failure  // by projection, by position (failures.go)
}

// isPacked reports whether projection name is one of the ticket-shaped projections kept
// in the packed ticket rows; every other one has a generic table.
func isPacked(name string) bool {
	return name == projections.Queues || name == projections.Portal || name == projections.KPI
}

// row is a ticket's rows; a nil state (or fact.state) is a projection without one.
type row struct {
	queue, portal *packed
	timeline      timeline // portal
	fact          fact     // kpi
}

func (r *row) empty() bool { return r.queue == nil && r.portal == nil && r.fact.state == nil }

// state is projection name's state of the ticket (nil when none).
func (r *row) state(name string) *packed {
	switch name {
	case projections.Queues:
		return r.queue
	case projections.Portal:
		return r.portal
	}
	return r.fact.state
}

func newData() *data {
	return &data{
		checkpoints: map[string]uint64{}, rows: map[uuid.UUID]*row{},
		open: map[uuid.UUID]*domain.TicketState{}, openBy: map[uuid.UUID]int{}, queues: queueIndex{},
		tables: map[string]*table{}, failures: map[string][]projections.Failure{},
	}
}

// state is projection name's state of ticket id, nil when it has none.
func (d *data) state(name string, id uuid.UUID) *packed {
	if r := d.rows[id]; r != nil {
		return r.state(name)
	}
	return nil
}

// row returns ticket id's row, made when missing.
func (d *data) row(id uuid.UUID) *row {
	r := d.rows[id]
	if r == nil {
		r = &row{}
		d.rows[id] = r
	}
	return r
}

var (
	_ projections.Store        = (*Store)(nil)
	_ projections.RowsInMemory = (*Store)(nil)
)

// RowsInMemory implements projections.RowsInMemory: the engine need not cache this
// store's rows while it catches up.
func (*Store) RowsInMemory() {}

// New returns an empty store.
func New() *Store { return &Store{d: newData()} }

// Checkpoint implements projections.Writer.
func (s *Store) Checkpoint(ctx context.Context, name string) (uint64, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.d.checkpoints[name], nil
}

// Load implements projections.Writer. The rows of a packed projection are decoded into
// one array; a generic table's are its own (the engine copies what it folds in place).
func (s *Store) Load(ctx context.Context, name string, ids []uuid.UUID) (projections.Batch, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.load(name, ids)
}

// load is Load under the caller's lock.
func (s *Store) load(name string, ids []uuid.UUID) (projections.Batch, error) {
	b := projections.Batch{Projection: name, Rows: make([]projections.Row, 0, len(ids))}
	switch name {
	case projections.Queues, projections.Portal:
		states := make([]domain.TicketState, 0, len(ids))
		for _, id := range ids {
			if t := s.d.state(name, id); t != nil {
				states = append(states, t.state())
				b.Rows = append(b.Rows, &states[len(states)-1])
			}
		}
	case projections.KPI:
		facts := make([]projections.KPIFact, 0, len(ids))
		for _, id := range ids {
			if r := s.d.rows[id]; r != nil && r.fact.state != nil {
				facts = append(facts, r.fact.kpi())
				b.Rows = append(b.Rows, &facts[len(facts)-1])
			}
		}
	default:
		if !projections.Known(name) {
			return b, fmt.Errorf("memory read model: no projection is named %q", name)
		}
		t := s.d.peek(name)
		for _, id := range ids {
			if r, ok := t.get(id); ok {
				b.Rows = append(b.Rows, r)
			}
		}
	}
	return b, nil
}

// Commit implements projections.Writer: every batch under one lock, so readers see all
// of it or none.
func (s *Store) Commit(ctx context.Context, batches []projections.Batch) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	for _, b := range batches {
		if !projections.Known(b.Projection) {
			return fmt.Errorf("memory read model: no projection is named %q", b.Projection)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, b := range batches {
		s.d.commit(b)
	}
	return nil
}

// commit writes a batch; like the PostgreSQL store, it never replaces a row by an older
// version of it. The batch's rows are the store's to keep (projections.Writer).
func (d *data) commit(b projections.Batch) {
	switch b.Projection {
	case projections.Queues, projections.Portal:
		d.commitTickets(b)
	case projections.KPI:
		for _, x := range b.Rows {
			f := x.(*projections.KPIFact)
			r := d.row(f.State.ID)
			if r.fact.state == nil || r.fact.state.version <= f.State.Version {
				r.fact = toFact(f, d.share(r, &f.State))
			}
		}
	default:
		d.table(b.Projection).commit(b)
	}
	d.addFailures(b.Projection, b.Failures)
	d.checkpoints[b.Projection] = max(d.checkpoints[b.Projection], b.Position)
}

// commitTickets writes a queues or portal batch: ticket snapshots, never changed after
// they are committed, so the open index keeps the batch's own.
func (d *data) commitTickets(b projections.Batch) {
	for _, x := range b.Rows {
		t := x.(*domain.TicketState)
		r := d.row(t.ID)
		if old := r.state(b.Projection); old != nil && old.version > t.Version {
			continue
		}
		p := d.share(r, t)
		if b.Projection == projections.Queues {
			d.index(t)
			r.queue = p
		} else {
			r.portal = p
		}
	}
	for _, e := range b.Appended {
		d.addEntry(*e.(*projections.PortalEntry))
	}
}

// index moves a ticket's queue row to t in the open index, the ordered lanes and the
// per-assignee counts: a ticket leaves them when it closes or resolves and comes back
// when it reopens. t is a committed row, never changed: the index keeps it.
func (d *data) index(t *domain.TicketState) {
	if old := d.open[t.ID]; old != nil {
		d.count(old, -1)
		d.queues.remove(old)
	}
	d.count(t, +1)
	if t.Status.Open() {
		d.open[t.ID] = t
		d.queues.add(t)
	} else {
		delete(d.open, t.ID)
	}
}

// count keeps open tickets per assignee, for the agents' load.
func (d *data) count(t *domain.TicketState, delta int) {
	if t.Assignee == uuid.Nil || !t.Status.Open() {
		return
	}
	d.openBy[t.Assignee] += delta
	if d.openBy[t.Assignee] == 0 {
		delete(d.openBy, t.Assignee)
	}
}

// addEntry inserts a timeline entry by version; one already there is kept (idempotent).
func (d *data) addEntry(e projections.PortalEntry) {
	r := d.row(e.TicketID)
	r.timeline = r.timeline.with(e)
}
