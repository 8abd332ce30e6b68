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
	// ReadyRule says which lags make this node unready (readiness.go); set before use.
	ReadyRule ReadyRule
	head      atomic.Uint64
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

// KPI is GET /reports/kpi. Rows of group_by=agent carry the agents' current names.
func (s *Service) KPI(ctx context.Context, q KPIQuery) ([]KPIRow, error) {
	if !q.From.Before(q.To) {
		return nil, fmt.Errorf("%w: from must be before to", domain.ErrInvalid)
	}
	if _, err := GroupOf(KPIFact{}, q.GroupBy); err != nil {
		return nil, err
	}
	facts, err := s.Store.KPIFacts(ctx, q.From, q.To)
	if err != nil {
		return nil, err
	}
	rows, err := Report(facts, q, s.Clock.Now())
	if err != nil || q.GroupBy != "agent" {
		return rows, err
	}
	return rows, s.currentAgentNames(ctx, rows)
}

// currentAgentNames puts each agent's name as the agents projection has it now over the
// name the facts remember.
func (s *Service) currentAgentNames(ctx context.Context, rows []KPIRow) error {
	agents, err := s.Store.Agents(ctx)
	if err != nil {
		return err
	}
	names := make(map[string]string, len(agents))
	for _, a := range agents {
		names[a.ID.String()] = a.Name
	}
	for i := range rows {
		if n, ok := names[rows[i].Group]; ok {
			rows[i].Name = &n
		}
	}
	return nil
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
	out := make([]AgentView, 0, len(rows))
	for _, a := range rows {
		if a.RoleOf() == domain.RoleAgent {
			out = append(out, NewAgentView(a))
		}
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
	if !ok || a.RoleOf() != domain.RoleAgent {
		return AgentView{}, application.ErrNotFound
	}
	return NewAgentView(a), nil
}

// All names every projection for Rebuild.
const All = "all"

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
