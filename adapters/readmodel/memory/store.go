// Package memory is a read-model store held in memory: the default, rebuilt from the
// event store at every start. It keeps the projections' rows in maps and answers the
// read queries by scanning them; the projection logic itself is in projections/.
package memory

import (
	"context"
	"fmt"
	"sort"
	"strings"
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
}

// data is every projection's rows; a rebuild fills a fresh one and swaps one
// projection's part of it in. A ticket has one row, which holds the queue, portal and
// KPI projections' parts (one map entry per ticket instead of one per projection). The
// states in it are packed (pack.go) and never changed in place (a commit replaces the
// pointer), so the projections share a state at the same version, and readers decode
// only what they return. Open tickets are also kept decoded, for the queue reads that
// scan and sort them.
type data struct {
	checkpoints map[string]uint64
	rows        map[uuid.UUID]*row
	open        map[uuid.UUID]*domain.TicketState // queues: the open tickets, decoded: what GET /queues scans
	openBy      map[uuid.UUID]int                 // queues: open tickets per assignee
	agents      map[uuid.UUID]domain.AgentState
	failures    map[string][]projections.Failure // by projection, by position (failures.go)
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
		open: map[uuid.UUID]*domain.TicketState{}, openBy: map[uuid.UUID]int{},
		agents: map[uuid.UUID]domain.AgentState{}, failures: map[string][]projections.Failure{},
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

// Load implements projections.Writer.
func (s *Store) Load(ctx context.Context, name string, ids []uuid.UUID) (projections.Batch, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	b := projections.Batch{Projection: name}
	for _, id := range ids {
		switch name {
		case projections.Queues, projections.Portal:
			if t := s.d.state(name, id); t != nil {
				b.Tickets = append(b.Tickets, t.state())
			}
		case projections.KPI:
			if r := s.d.rows[id]; r != nil && r.fact.state != nil {
				b.Facts = append(b.Facts, r.fact.kpi())
			}
		case projections.Agents:
			if a, ok := s.d.agents[id]; ok {
				b.Agents = append(b.Agents, a)
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
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, b := range batches {
		s.d.commit(b)
	}
	return nil
}

// commit writes a batch; like the PostgreSQL store, it never replaces a row by an older
// version of it.
func (d *data) commit(b projections.Batch) {
	for i := range b.Tickets {
		t := &b.Tickets[i]
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
	for _, e := range b.Timeline {
		d.addEntry(e)
	}
	for i := range b.Facts {
		f := &b.Facts[i]
		r := d.row(f.State.ID)
		if r.fact.state == nil || r.fact.state.version <= f.State.Version {
			r.fact = toFact(f, d.share(r, &f.State))
		}
	}
	for _, a := range b.Agents {
		if old, ok := d.agents[a.ID]; !ok || old.Version <= a.Version {
			d.agents[a.ID] = a
		}
	}
	d.addFailures(b.Projection, b.Failures)
	d.checkpoints[b.Projection] = max(d.checkpoints[b.Projection], b.Position)
}

// index moves a ticket's queue row to t in the open index and the per-assignee counts:
// a ticket leaves the open index when it closes or resolves and comes back when it
// reopens. t is the caller's (a batch's), so the index keeps a copy.
func (d *data) index(t *domain.TicketState) {
	if old := d.open[t.ID]; old != nil {
		d.count(old, -1)
	}
	d.count(t, +1)
	if t.Status.Open() {
		c := *t
		d.open[t.ID] = &c
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

// OpenTickets implements projections.Queries.
func (s *Store) OpenTickets(ctx context.Context, f projections.QueueFilter) ([]domain.TicketState, error) {
	refs := s.openRefs(f)
	out := make([]domain.TicketState, len(refs))
	for i, t := range refs {
		out[i] = *t
	}
	return out, nil
}

// openRefs returns the open rows matching the filter's stored fields. The rows are
// never changed in place, so they can be read after the lock is released.
func (s *Store) openRefs(f projections.QueueFilter) []*domain.TicketState {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []*domain.TicketState
	for _, t := range s.d.open {
		if projections.MatchesStored(t, f) {
			out = append(out, t)
		}
	}
	return out
}

// QueuePage implements projections.Queries: a scan of the open rows, then
// projections.SortQueueRefs outside the lock; only the page is copied.
func (s *Store) QueuePage(ctx context.Context, f projections.QueueFilter, now time.Time, offset, limit int) ([]domain.TicketState, bool, error) {
	sorted := projections.SortQueueRefs(s.openRefs(f), f, now)
	if offset >= len(sorted) {
		return nil, false, nil
	}
	end := min(len(sorted), offset+limit)
	page := make([]domain.TicketState, end-offset)
	for i, t := range sorted[offset:end] {
		page[i] = *t
	}
	return page, end < len(sorted), nil
}

// KPIFacts implements projections.Queries.
func (s *Store) KPIFacts(ctx context.Context, from, to time.Time) ([]projections.KPIFact, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []projections.KPIFact
	for _, r := range s.d.rows {
		if f := &r.fact; f.state != nil {
			if at := f.state.createdAt(); !at.Before(from) && at.Before(to) {
				out = append(out, f.kpi())
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].State.ID.String() < out[j].State.ID.String() })
	return out, nil
}

// PortalTicket implements projections.Queries.
func (s *Store) PortalTicket(ctx context.Context, id uuid.UUID) (domain.TicketState, []projections.PortalEntry, bool, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	r := s.d.rows[id]
	if r == nil || r.portal == nil {
		return domain.TicketState{}, nil, false, nil
	}
	return r.portal.state(), r.timeline.entries(id), true, nil
}

// Agents implements projections.Queries, ordered by name then id.
func (s *Store) Agents(ctx context.Context) ([]projections.AgentRow, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]projections.AgentRow, 0, len(s.d.agents))
	for _, a := range s.d.agents {
		out = append(out, projections.AgentRow{AgentState: a, OpenTickets: s.d.openBy[a.ID]})
	}
	sort.Slice(out, func(i, j int) bool {
		if c := strings.Compare(out[i].Name, out[j].Name); c != 0 {
			return c < 0
		}
		return out[i].ID.String() < out[j].ID.String()
	})
	return out, nil
}

// Agent implements projections.Queries.
func (s *Store) Agent(ctx context.Context, id uuid.UUID) (projections.AgentRow, bool, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	a, ok := s.d.agents[id]
	return projections.AgentRow{AgentState: a, OpenTickets: s.d.openBy[id]}, ok, nil
}

// RowVersion implements projections.Queries.
func (s *Store) RowVersion(ctx context.Context, name string, id uuid.UUID) (int64, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	switch name {
	case projections.Queues, projections.Portal, projections.KPI:
		if t := s.d.state(name, id); t != nil {
			return t.version, nil
		}
	case projections.Agents:
		if a, ok := s.d.agents[id]; ok {
			return a.Version, nil
		}
	default:
		return 0, fmt.Errorf("%w: no projection is named %q", domain.ErrNotFound, name)
	}
	return -1, nil
}
