package policy

import (
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// view is the policies' own small picture of the store, folded from the subscription:
// tickets (full domain state), agents, and the routing counters. It is not a read model
// for clients; it exists so policies need nothing but the event store.
type view struct {
	position uint64
	// shiftEnding reports an agent whose shift ends within the routing margin (shifts.go);
	// nil routes without regard to shifts.
	shiftEnding func(domain.AgentState) bool
	tickets     map[uuid.UUID]*ticketView
	agents      map[uuid.UUID]*agentView
	// Loads are kept incrementally, so a routing decision costs O(agents), not O(open
	// tickets): weights holds the agents each ticket weighs on (countsFor), load their
	// sum per agent; waiting holds the routable tickets (classified or escalated, nobody's).
	weights map[uuid.UUID][]uuid.UUID
	load    map[uuid.UUID]int
	waiting map[uuid.UUID]*ticketView
	// routeHashes is the last hash of each routing stream, to chain the next append.
	routeHashes map[string]string
	// The view keeps the state of open tickets only, so its memory follows open work, not
	// history. closed remembers closed tickets by id (closing is final); dormant remembers
	// resolved ones, which the engine reloads from their stream if they are reopened.
	closed  map[uuid.UUID]struct{}
	dormant map[uuid.UUID]struct{}
}

type ticketView struct {
	t    *domain.Ticket
	body string // TicketReceived's body, for keyword rules
	last eventlog.Record
	// manual: a person classified it, so rules no longer apply. ruled and tiered: the
	// classification rule and the tier rule have been recorded.
	manual, ruled, tiered bool
	// routedTo are the agents TicketRouted named for the ticket as it stood at version
	// routedVersion (the newest version routed). Two routers (processes, or a router and
	// a client's {"auto":true}) may route one ticket version to different agents, and only
	// one assignment can win that version: until this view has seen the ticket move past
	// it, the outcome is unknown, so the ticket weighs on every one of them; once it has,
	// the outcome is known: one is the assignee, or no assignment happened.
	routedTo      []uuid.UUID
	routedVersion int64
}

type agentView struct {
	a            *domain.Agent
	lastAssigned time.Time
	routeVersion int64 // version of routing-<id> folded so far (-1: none)
}

func newView() *view {
	return &view{tickets: map[uuid.UUID]*ticketView{}, agents: map[uuid.UUID]*agentView{}, weights: map[uuid.UUID][]uuid.UUID{}, load: map[uuid.UUID]int{}, waiting: map[uuid.UUID]*ticketView{}, routeHashes: map[string]string{}, closed: map[uuid.UUID]struct{}{}, dormant: map[uuid.UUID]struct{}{}}
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
func (v *view) apply(r eventlog.Record) uuid.UUID {
	if r.Position > v.position {
		v.position = r.Position
	}
	switch {
	case strings.HasPrefix(r.Stream, eventlog.TicketStreamPrefix):
		return v.applyTicket(r)
	case strings.HasPrefix(r.Stream, eventlog.AgentStreamPrefix):
		v.applyAgent(r)
	case strings.HasPrefix(r.Stream, RoutingStreamPrefix):
		return v.applyRouted(r)
	}
	return uuid.Nil
}

func (v *view) applyTicket(r eventlog.Record) uuid.UUID {
	id, err := uuid.Parse(strings.TrimPrefix(r.Stream, eventlog.TicketStreamPrefix))
	if err != nil {
		return uuid.Nil
	}
	e, err := domain.DecodeTicketEvent(r.Type, r.Data)
	if err != nil {
		return uuid.Nil
	}
	if _, gone := v.closed[id]; gone {
		return uuid.Nil
	}
	if _, asleep := v.dormant[id]; asleep {
		if r.Type == domain.TypeTicketClosed {
			delete(v.dormant, id)
			v.closed[id] = struct{}{}
		}
		return uuid.Nil // (a reopening is reloaded by the engine before it gets here)
	}
	tv := v.ticket(id)
	if r.Version <= tv.t.State().Version {
		return uuid.Nil // already folded
	}
	tv.t.Apply(e, r.Meta.OccurredAt)
	tv.last = r
	v.track(id, tv)
	if tv.t.State().Status != domain.StatusReceived {
		tv.body = "" // rules match only on receipt; a body may be 100,000 characters
	}
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
		if av := v.agent(e.AgentID); r.Meta.OccurredAt.After(av.lastAssigned) {
			av.lastAssigned = r.Meta.OccurredAt
		}
	}
	return id
}

func (v *view) applyAgent(r eventlog.Record) {
	id, err := uuid.Parse(strings.TrimPrefix(r.Stream, eventlog.AgentStreamPrefix))
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

// retire drops a ticket that is no longer open (after its notice was made).
func (v *view) retire(id uuid.UUID) {
	tv := v.tickets[id]
	if tv == nil || tv.t.State().Status.Open() || tv.t.State().Version < 0 {
		return
	}
	v.track(id, tv) // (weighs on nobody now)
	delete(v.tickets, id)
	if tv.t.State().Status == domain.StatusClosed {
		v.closed[id] = struct{}{}
	} else {
		v.dormant[id] = struct{}{}
	}
}

// track brings the loads and the waiting set up to date after a ticket changed; every
// change of a ticket's state or route goes through it.
func (v *view) track(id uuid.UUID, tv *ticketView) {
	for _, a := range v.weights[id] {
		if v.load[a]--; v.load[a] == 0 {
			delete(v.load, a)
		}
	}
	if w := countsFor(tv); len(w) > 0 {
		v.weights[id] = w
		for _, a := range w {
			v.load[a]++
		}
	} else {
		delete(v.weights, id)
	}
	if routable(tv.t.State()) && !tv.inFlight() {
		v.waiting[id] = tv
	} else {
		delete(v.waiting, id)
	}
}

// inFlight: a route was confirmed for the ticket as this view last saw it, so its
// assignment is on the way (or failed, which a newer version of the ticket will show).
func (tv *ticketView) inFlight() bool {
	return len(tv.routedTo) > 0 && tv.t.State().Version <= tv.routedVersion
}

// loads returns a copy of the agents' loads, for the caller to charge planned routes to.
func (v *view) loads() map[uuid.UUID]int {
	n := make(map[uuid.UUID]int, len(v.load))
	for a, l := range v.load {
		n[a] = l
	}
	return n
}

// countsFor lists the agents an open ticket weighs on: its assignee, and the agent of a
// route still in flight. Counting both when both apply errs on the safe side: an agent
// may be shown less room than it has for a moment, never more.
func countsFor(tv *ticketView) []uuid.UUID {
	s := tv.t.State()
	if s.Version >= 0 && !s.Status.Open() {
		return nil
	}
	var out []uuid.UUID
	if s.Assignee != uuid.Nil {
		out = append(out, s.Assignee)
	}
	if s.Version <= tv.routedVersion {
		for _, a := range tv.routedTo {
			if a != s.Assignee {
				out = append(out, a)
			}
		}
	}
	return out
}
