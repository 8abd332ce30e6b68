package projections

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/erasure"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/application/query"
	"github.com/ticketengine/ticketengine/domain"
)

// MaxWait is how long a read with ?min_version waits for the projection to catch up.
const MaxWait = 2 * time.Second

// Service is the read side as the HTTP adapter and the CLI see it: the queries of the
// read endpoints, read-your-writes waits, rebuilds and lag. Engine may be nil in a
// process that serves reads while another process projects.
type Service struct {
	// Search is the search projection of this process, or nil when search is off.
	Search *SearchIndexer
	Events eventlog.EventStore
	Store  Store
	Engine *Engine
	Clock  application.Clock
	// Keys opens the sealed personal fields of customer records (application/erasure);
	// nil where none are sealed.
	Keys erasure.KeyStore
	head atomic.Uint64
}

// NewService returns the read side over a read-model store; engine is the one projecting
// into it in this process (or nil).
func NewService(events eventlog.EventStore, store Store, engine *Engine, clock application.Clock) *Service {
	if clock == nil {
		clock = application.SystemClock{}
	}
	return &Service{Events: events, Store: store, Engine: engine, Clock: clock}
}

// Queue is GET /queues: one page of open tickets in working order.
func (s *Service) Queue(ctx context.Context, f QueueFilter, limit int, cursor string) ([]query.TicketView, string, error) {
	if err := s.settle(ctx, Queues); err != nil {
		return nil, "", err
	}
	return Queue(ctx, s.Store, f, s.Clock.Now(), limit, cursor)
}

// KPI is GET /reports/kpi.
func (s *Service) KPI(ctx context.Context, from, to time.Time, groupBy string) ([]KPIRow, error) {
	if !from.Before(to) {
		return nil, fmt.Errorf("%w: from must be before to", domain.ErrInvalid)
	}
	if _, err := GroupOf(KPIFact{}, groupBy); err != nil {
		return nil, err
	}
	facts, err := s.Store.KPIFacts(ctx, from, to)
	if err != nil {
		return nil, err
	}
	return Report(facts, from, to, groupBy, s.Clock.Now())
}

// Portal is the customer's view of a ticket found by auth.FindTicketByNumber. It
// first lets the projection apply what was stored when the read came (settle), and with
// minVersion ≥ 0 waits for that version of the ticket.
func (s *Service) Portal(ctx context.Context, id uuid.UUID, minVersion int64) (PortalView, error) {
	if err := s.settle(ctx, Portal); err != nil {
		return PortalView{}, err
	}
	if err := s.WaitFor(ctx, Portal, id, minVersion); err != nil {
		return PortalView{}, err
	}
	st, timeline, ok, err := s.Store.PortalTicket(ctx, id)
	if err != nil {
		return PortalView{}, err
	}
	if !ok {
		return PortalView{}, application.ErrNotFound
	}
	return NewPortalView(st, timeline, s.Clock.Now()), nil
}

// Agents is GET /agents, ordered by name then id.
func (s *Service) Agents(ctx context.Context) ([]AgentView, error) {
	if err := s.settle(ctx, Agents); err != nil {
		return nil, err
	}
	if err := s.settle(ctx, Queues); err != nil { // open_tickets come from the queues
		return nil, err
	}
	rows, err := s.Store.Agents(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]AgentView, len(rows))
	for i, a := range rows {
		out[i] = NewAgentView(a)
	}
	return out, nil
}

// Agent is GET /agents/{id}; with minVersion ≥ 0 it waits for that version of the agent.
func (s *Service) Agent(ctx context.Context, id uuid.UUID, minVersion int64) (AgentView, error) {
	if err := s.WaitFor(ctx, Agents, id, minVersion); err != nil {
		return AgentView{}, err
	}
	a, ok, err := s.Store.Agent(ctx, id)
	if err != nil {
		return AgentView{}, err
	}
	if !ok {
		return AgentView{}, application.ErrNotFound
	}
	return NewAgentView(a), nil
}

// WaitFor waits, up to MaxWait, until projection name has applied version of the
// ticket or agent id. Not reaching it in time is not an error: the read answers what it
// has (its version tells the client), as a read of an eventually consistent model does.
// When the engine projecting name runs in this process, it finds that version's position
// in the event store and waits for the engine to commit it, woken by its commits, with
// no query meanwhile (many waiting reads must not crowd out the engine's own use of the
// store); otherwise it polls the row's version.
func (s *Service) WaitFor(ctx context.Context, name string, id uuid.UUID, version int64) error {
	if version < 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, MaxWait)
	defer cancel()
	have, err := s.Store.RowVersion(ctx, name, id)
	if err != nil || have >= version {
		return quiet(ctx, err)
	}
	if pos, ok, err := s.positionOf(ctx, name, id, version); err != nil || ok {
		if err != nil {
			return quiet(ctx, err)
		}
		return s.waitCommitted(ctx, name, pos)
	}
	for {
		var changed <-chan struct{}
		if s.Engine != nil {
			changed = s.Engine.Changed()
		}
		have, err := s.Store.RowVersion(ctx, name, id)
		if err != nil || have >= version {
			return quiet(ctx, err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-changed:
		case <-time.After(25 * time.Millisecond):
		}
	}
}

// quiet drops an error that only says the wait's time ran out.
func quiet(ctx context.Context, err error) error {
	if ctx.Err() != nil && err != nil {
		return nil
	}
	return err
}

// positionOf finds the global position of version of id's stream, when this process's
// engine projects name (ok false otherwise, or when the stream has no such version yet).
func (s *Service) positionOf(ctx context.Context, name string, id uuid.UUID, version int64) (uint64, bool, error) {
	if _, ok := s.localCommitted(name); !ok {
		return 0, false, nil
	}
	def, ok := Lookup(name)
	if !ok {
		return 0, false, nil
	}
	stream := eventlog.TicketStream(id)
	if def.Reads() == AgentStreams {
		stream = eventlog.AgentStream(id)
	}
	recs, err := s.Events.ReadStream(ctx, stream)
	if err != nil {
		return 0, false, err
	}
	for _, r := range recs {
		if r.Version == version {
			return r.Position, true, nil
		}
	}
	return 0, false, nil
}

// localCommitted is what this process's engine has committed of projection name; ok is
// false when no engine here projects it.
func (s *Service) localCommitted(name string) (uint64, bool) {
	if s.Engine == nil {
		return 0, false
	}
	return s.Engine.committedOf(name)
}

// checkpoint is projection name's committed position: this process's engine's, when it
// projects name (never ahead of the store's: no query needed), else the store's.
func (s *Service) checkpoint(ctx context.Context, name string) (uint64, error) {
	if pos, ok := s.localCommitted(name); ok {
		return pos, nil
	}
	return s.Store.Checkpoint(ctx, name)
}

// waitCommitted waits until projection name has committed position target, or ctx ends
// (not an error). With the engine in this process it waits for its commits; otherwise it
// polls the store's checkpoint.
func (s *Service) waitCommitted(ctx context.Context, name string, target uint64) error {
	for {
		var changed <-chan struct{}
		poll := 25 * time.Millisecond
		if s.Engine != nil {
			changed = s.Engine.Changed()
		}
		if _, ok := s.localCommitted(name); ok {
			poll = MaxWait // woken by the commits; the timer only bounds a missed wake-up
		}
		if pos, err := s.checkpoint(ctx, name); err != nil || pos >= target {
			return quiet(ctx, err)
		}
		t := time.NewTimer(poll)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-changed:
		case <-t.C:
		}
		t.Stop()
	}
}

// All names every projection for Rebuild.
const All = "all"

// settleBatch is how many unapplied records a list read looks at to know what to wait for.
const settleBatch = 100

// settle lets a list read (which has no one ticket to wait for) see the writes that were
// stored when it came: if projection name is behind the event store, it waits, up to
// MaxWait, until it has applied the newest record the relay has read (ObserveHead) and
// the next settleBatch records after it. Caught up, it costs one small read of the
// event store.
func (s *Service) settle(ctx context.Context, name string) error {
	pos, err := s.checkpoint(ctx, name)
	if err != nil {
		return err
	}
	target, err := s.settleTarget(ctx, pos)
	if err != nil || target <= pos {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, MaxWait)
	defer cancel()
	return s.waitCommitted(ctx, name, target)
}

// settleTarget is the position a read settles to from pos: the newest record the relay
// has read and up to settleBatch after it.
func (s *Service) settleTarget(ctx context.Context, pos uint64) (uint64, error) {
	target := max(pos, s.head.Load())
	recs, err := s.Events.ReadAll(ctx, target, settleBatch)
	if err != nil {
		return 0, err
	}
	if len(recs) > 0 {
		target = recs[len(recs)-1].Position
	}
	return target, nil
}

// Rebuild rebuilds projection name (or All, one after the other) from position 0 while
// serving, and swaps it in.
func (s *Service) Rebuild(ctx context.Context, name string) (RebuildStats, error) {
	return s.RebuildProgress(ctx, name, nil)
}

// RebuildProgress is Rebuild telling progress the events read so far (ticketctl shows it).
func (s *Service) RebuildProgress(ctx context.Context, name string, progress func(events int)) (RebuildStats, error) {
	if name == SearchName {
		return s.rebuildSearch(ctx)
	}
	if name != All {
		return Rebuild(ctx, s.Events, s.Store, s.Engine, name, progress)
	}
	total := RebuildStats{Projection: All}
	for _, n := range Names() {
		done := total.Events
		var p func(int)
		if progress != nil {
			p = func(events int) { progress(done + events) }
		}
		st, err := Rebuild(ctx, s.Events, s.Store, s.Engine, n, p)
		if err != nil {
			return total, err
		}
		total.Events, total.Position, total.Took = total.Events+st.Events, st.Position, total.Took+st.Took
	}
	total.Seconds = total.Took.Seconds()
	return total, nil
}
