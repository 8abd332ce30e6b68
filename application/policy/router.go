package policy

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// The router's choice is confirmed by appending TicketRouted to the chosen agent's
// routing-<agent id> stream at the version this process last saw. If another process
// routed to the same agent meanwhile, the append fails, the router reads what it missed
// and chooses again: so the capacity check is atomic across processes sharing a store,
// and in process the picks are serialised by a mutex. A routed ticket weighs on the
// agent from the moment of the append until it is assigned to someone (then it weighs on
// its assignee) or leaves the open statuses.
const (
	RoutingStreamPrefix = eventlog.RoutingStreamPrefix
	TypeTicketRouted    = "TicketRouted"
)

// RoutingStream is the stream of routing counters of one agent.
func RoutingStream(agent uuid.UUID) string { return RoutingStreamPrefix + agent.String() }

// TicketRouted records that the router chose an agent for a ticket as it stood at
// TicketVersion (the assignment is appended at the next version); Load is the agent's
// load including this ticket.
type TicketRouted struct {
	TicketID      uuid.UUID `json:"ticket_id"`
	TicketVersion int64     `json:"ticket_version"`
	AgentID       uuid.UUID `json:"agent_id"`
	Load          int       `json:"load"`
}

// Router implements command.AgentPicker over the engine's view.
type Router struct {
	e *Engine
}

var _ command.AgentPicker = (*Router)(nil)

// Pick chooses, among online agents of the ticket's team having the skill of its
// category and load under capacity, the least loaded, then the one idle longest. It
// waits for the engine to catch up with the store first, so a fresh process does not
// route on an empty picture.
func (r *Router) Pick(ctx context.Context, t domain.TicketState) (domain.AgentState, error) {
	if err := r.e.caughtUp(ctx); err != nil {
		return domain.AgentState{}, err
	}
	r.e.pickMu.Lock()
	defer r.e.pickMu.Unlock()
	for range 8 {
		agent, load, version, ok := r.choose(t)
		if !ok {
			return domain.AgentState{}, fmt.Errorf("%w: no online agent of team %s with skill %q has room", application.ErrNotFound, t.Team, t.Category)
		}
		err := r.confirm(ctx, t, agent, load+1, version)
		if err == nil {
			return agent, nil
		}
		if !errors.Is(err, eventlog.ErrWrongExpectedVersion) {
			return domain.AgentState{}, err
		}
		if err := r.refresh(ctx, agent.ID); err != nil {
			return domain.AgentState{}, err
		}
	}
	return domain.AgentState{}, fmt.Errorf("%w: routing kept losing races", application.ErrConflict)
}

// choose returns the best agent, its load without this ticket, and the routing stream
// version to append at.
func (r *Router) choose(t domain.TicketState) (domain.AgentState, int, int64, bool) {
	r.e.mu.Lock()
	defer r.e.mu.Unlock()
	c, ok := r.e.v.best(t, r.e.v.loads())
	if !ok {
		return domain.AgentState{}, 0, 0, false
	}
	return c.av.a.State(), c.load, c.av.routeVersion, true
}

type candidate struct {
	av   *agentView
	id   uuid.UUID
	load int
}

// before orders candidates: least loaded, then idle longest, then by id (for a stable
// choice).
func (c candidate) before(d candidate) bool {
	if c.load != d.load {
		return c.load < d.load
	}
	if !c.av.lastAssigned.Equal(d.av.lastAssigned) {
		return c.av.lastAssigned.Before(d.av.lastAssigned)
	}
	return bytes.Compare(c.id[:], d.id[:]) < 0
}

// best finds the agent that should take the ticket, given the loads (routeWaiting counts
// them once for a whole queue; best does not modify them). One pass over the agents.
func (v *view) best(t domain.TicketState, loads map[uuid.UUID]int) (candidate, bool) {
	var self []uuid.UUID
	if tv := v.tickets[t.ID]; tv != nil {
		self = countsFor(tv) // the ticket itself does not weigh against its own routing
	}
	var top candidate
	found := false
	for id, av := range v.agents {
		if !av.eligible(t) || (v.shiftEnding != nil && v.shiftEnding(av.a.State())) {
			continue
		}
		c := candidate{av: av, id: id, load: loads[id]}
		for _, a := range self {
			if a == id {
				c.load--
			}
		}
		if c.load >= av.a.State().Capacity {
			continue
		}
		if !found || c.before(top) {
			top, found = c, true
		}
	}
	return top, found
}

// eligible: registered, online, in the ticket's team, with the skill of its category.
func (av *agentView) eligible(t domain.TicketState) bool {
	s := av.a.State()
	return s.Version >= 0 && s.Online && s.Active() && s.RoleOf() == domain.RoleAgent && strings.EqualFold(s.Team, t.Team) && (t.Category == "" || s.HasSkill(t.Category))
}

// confirm appends TicketRouted at the expected version and folds it into the view.
func (r *Router) confirm(ctx context.Context, t domain.TicketState, agent domain.AgentState, load int, version int64) error {
	data, err := json.Marshal(TicketRouted{TicketID: t.ID, TicketVersion: t.Version, AgentID: agent.ID, Load: load})
	if err != nil {
		return err
	}
	stream := RoutingStream(agent.ID)
	prev, err := r.prevHash(ctx, stream, version)
	if err != nil {
		return err
	}
	rec := eventlog.Record{ID: uuid.New(), Stream: stream, Version: version + 1, Type: TypeTicketRouted, Data: data,
		Meta: eventlog.Metadata{Actor: command.SystemActor, Rule: RuleAutoRoute, OccurredAt: eventlog.Truncate(r.e.clock.Now())}}
	recs := []eventlog.Record{rec}
	if err := eventlog.Seal(prev, recs); err != nil {
		return err
	}
	appended, err := r.e.store.Append(ctx, stream, version, recs)
	if err != nil {
		return err
	}
	r.e.mu.Lock()
	defer r.e.mu.Unlock()
	r.e.v.apply(appended[0])
	return nil
}

// prevHash is the hash of the routing stream's record at version (for the chain), kept
// by the view; only after a refresh or at the very start does it need a read.
func (r *Router) prevHash(ctx context.Context, stream string, version int64) (string, error) {
	if version < 0 {
		return "", nil
	}
	r.e.mu.Lock()
	h, ok := r.e.v.routeHashes[stream]
	r.e.mu.Unlock()
	if ok {
		return h, nil
	}
	recs, err := r.e.store.ReadStream(ctx, stream)
	if err != nil {
		return "", err
	}
	if int64(len(recs)) <= version {
		return "", fmt.Errorf("%w: %s is shorter than version %d", eventlog.ErrWrongExpectedVersion, stream, version)
	}
	return recs[version].Hash, nil
}

// refresh reads an agent's routing stream and folds what this process has not seen.
func (r *Router) refresh(ctx context.Context, agent uuid.UUID) error {
	recs, err := r.e.store.ReadStream(ctx, RoutingStream(agent))
	if err != nil {
		return err
	}
	r.e.mu.Lock()
	defer r.e.mu.Unlock()
	for _, rec := range recs {
		r.e.v.applyRouted(rec)
	}
	return nil
}

// applyRouted folds a TicketRouted record (once per version).
func (v *view) applyRouted(r eventlog.Record) uuid.UUID {
	id, err := uuid.Parse(strings.TrimPrefix(r.Stream, RoutingStreamPrefix))
	if err != nil || r.Type != TypeTicketRouted {
		return uuid.Nil
	}
	av := v.agent(id)
	if r.Version <= av.routeVersion {
		return uuid.Nil
	}
	av.routeVersion = r.Version
	v.routeHashes[r.Stream] = r.Hash
	var e TicketRouted
	if json.Unmarshal(r.Data, &e) != nil {
		return uuid.Nil
	}
	if r.Meta.OccurredAt.After(av.lastAssigned) {
		av.lastAssigned = r.Meta.OccurredAt
	}
	_, gone := v.closed[e.TicketID]
	_, asleep := v.dormant[e.TicketID]
	if gone || asleep {
		return uuid.Nil
	}
	tv := v.ticket(e.TicketID)
	switch {
	case len(tv.routedTo) == 0 || e.TicketVersion > tv.routedVersion:
		tv.routedTo, tv.routedVersion = []uuid.UUID{id}, e.TicketVersion
	case e.TicketVersion == tv.routedVersion && !slices.Contains(tv.routedTo, id):
		tv.routedTo = append(tv.routedTo, id)
	}
	v.track(e.TicketID, tv)
	return uuid.Nil
}
