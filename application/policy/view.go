package policy

import (
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/domain"
)

// view is the policies' own small picture of the store, folded from the subscription:
// tickets (full domain state), agents, and the routing counters. It is not a read model
// for clients; it exists so policies need nothing but the event store.
type view struct {
	position uint64
	tickets  map[uuid.UUID]*ticketView
	agents   map[uuid.UUID]*agentView
	// active holds the tickets that may weigh on an agent's load: open ones, and ones
	// known only from a routing counter. Loads are counted over it, not over all tickets.
	active map[uuid.UUID]*ticketView
	// routeHashes is the last hash of each routing stream, to chain the next append.
	routeHashes map[string]string
}

type ticketView struct {
	t    *domain.Ticket
	body string // TicketReceived's body, for keyword rules
	last application.Record
	// manual: a person classified it, so rules no longer apply. ruled and tiered: the
	// classification rule and the tier rule have been recorded.
	manual, ruled, tiered bool
	// routedTo is the agent the latest TicketRouted named, and when: the ticket counts
	// toward that agent's load until it is assigned (or no longer open).
	routedTo uuid.UUID
	routedAt time.Time
}

type agentView struct {
	a            *domain.Agent
	lastAssigned time.Time
	routeVersion int64 // version of routing-<id> folded so far (-1: none)
}

func newView() *view {
	return &view{tickets: map[uuid.UUID]*ticketView{}, agents: map[uuid.UUID]*agentView{}, active: map[uuid.UUID]*ticketView{}, routeHashes: map[string]string{}}
}

func (v *view) ticket(id uuid.UUID) *ticketView {
	tv := v.tickets[id]
	if tv == nil {
		tv = &ticketView{t: domain.NewTicket()}
		v.tickets[id] = tv
	}
	return tv
}

func (v *view) agent(id uuid.UUID) *agentView {
	av := v.agents[id]
	if av == nil {
		av = &agentView{a: domain.NewAgent(), routeVersion: -1}
		v.agents[id] = av
	}
	return av
}

// apply folds one record. It reports the ticket the record concerned (uuid.Nil if none),
// so the engine knows which ticket to reconcile. A record that does not decode is skipped:
// the command side never writes one, and a policy must not stop the engine over it.
func (v *view) apply(r application.Record) uuid.UUID {
	if r.Position > v.position {
		v.position = r.Position
	}
	switch {
	case strings.HasPrefix(r.Stream, application.TicketStreamPrefix):
		return v.applyTicket(r)
	case strings.HasPrefix(r.Stream, application.AgentStreamPrefix):
		v.applyAgent(r)
	case strings.HasPrefix(r.Stream, RoutingStreamPrefix):
		return v.applyRouted(r)
	}
	return uuid.Nil
}

func (v *view) applyTicket(r application.Record) uuid.UUID {
	id, err := uuid.Parse(strings.TrimPrefix(r.Stream, application.TicketStreamPrefix))
	if err != nil {
		return uuid.Nil
	}
	e, err := domain.DecodeTicketEvent(r.Type, r.Data)
	if err != nil {
		return uuid.Nil
	}
	tv := v.ticket(id)
	if r.Version <= tv.t.State().Version {
		return uuid.Nil // already folded
	}
	tv.t.Apply(e, r.Meta.OccurredAt)
	tv.last = r
	v.track(id, tv)
	switch e := e.(type) {
	case domain.TicketReceived:
		tv.body = e.Body
	case domain.TicketClassified:
		if e.Rule == "" {
			tv.manual = true
		} else {
			tv.ruled = true
		}
	case domain.TicketReprioritized:
		if strings.HasPrefix(e.Rule, RuleTierPrefix) {
			tv.tiered = true
		}
	case domain.TicketAssigned:
		v.agent(e.AgentID).lastAssigned = r.Meta.OccurredAt
	}
	return id
}

func (v *view) applyAgent(r application.Record) {
	id, err := uuid.Parse(strings.TrimPrefix(r.Stream, application.AgentStreamPrefix))
	if err != nil {
		return
	}
	e, err := domain.DecodeAgentEvent(r.Type, r.Data)
	if err != nil {
		return
	}
	av := v.agent(id)
	if r.Version <= av.a.State().Version {
		return
	}
	av.a.Apply(e)
}

// track keeps the active set current after a ticket changed.
func (v *view) track(id uuid.UUID, tv *ticketView) {
	if countsFor(tv) == uuid.Nil {
		delete(v.active, id)
	} else {
		v.active[id] = tv
	}
}

// loads counts, per agent, the open tickets that weigh on it: those assigned to it, and
// those routed to it but not yet assigned to anyone.
func (v *view) loads() map[uuid.UUID]int {
	n := map[uuid.UUID]int{}
	for _, tv := range v.active {
		if a := countsFor(tv); a != uuid.Nil {
			n[a]++
		}
	}
	return n
}

// countsFor is the agent an open ticket weighs on, or uuid.Nil. A ticket routed by another
// process but not yet seen here counts for the agent it was routed to.
func countsFor(tv *ticketView) uuid.UUID {
	s := tv.t.State()
	if s.Version >= 0 && !s.Status.Open() {
		return uuid.Nil
	}
	if s.Assignee != uuid.Nil {
		return s.Assignee
	}
	return tv.routedTo
}
