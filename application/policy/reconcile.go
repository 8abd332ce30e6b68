package policy

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/domain"
)

// applyRules classifies a new ticket by the first matching rule and raises the priority
// of the configured tiers, each at most once per ticket: the commands carry idempotency
// keys derived from the ticket, so a repeat (a restart, or a second process) appends
// nothing. A ticket a person has classified is left alone. It reports whether it issued
// a command that changed the ticket.
func (e *Engine) applyRules(ctx context.Context, id uuid.UUID) bool {
	e.mu.Lock()
	tv := e.v.tickets[id]
	if tv == nil {
		e.mu.Unlock()
		return false
	}
	s, body, manual, ruled, tiered := tv.t.State(), tv.body, tv.manual, tv.ruled, tv.tiered
	e.mu.Unlock()
	if manual || s.Version < 0 || !s.Status.Open() || s.Assignee != uuid.Nil {
		return false
	}
	changed := false
	rule, matched := e.rules.Match(s.Channel, s.Customer.Tier, s.Subject, body)
	if matched && !ruled && s.Status == domain.StatusReceived {
		res, err := e.command(ctx, id, s.Version, rule.Name, "rule-classify", func(meta command.CommandMeta) (command.TicketResult, error) {
			return e.cmds.Classify.Handle(ctx, command.ClassifyTicket{TicketID: id, ClassifyTicket: domain.ClassifyTicket{
				Category: rule.Category, Priority: rule.Priority, Team: rule.Team}}, meta)
		})
		if err != nil {
			return false
		}
		s, ruled, changed = res.Ticket, true, len(res.Appended) > 0
	}
	tierRuleDue := !tiered && e.rules.Raises(s.Customer.Tier) && s.Priority != domain.P1 &&
		(s.Status == domain.StatusReceived || (ruled && s.Status == domain.StatusClassified))
	if tierRuleDue {
		res, err := e.command(ctx, id, s.Version, RuleTierPrefix+string(s.Customer.Tier), "rule-tier", func(meta command.CommandMeta) (command.TicketResult, error) {
			return e.cmds.Reprioritize.Handle(ctx, command.ReprioritizeTicket{TicketID: id, Priority: s.Priority.Raised()}, meta)
		})
		changed = changed || (err == nil && len(res.Appended) > 0)
	}
	return changed
}

// command runs a system command for a rule with an idempotency key of the rule's kind
// and the ticket, only at the version the rule saw (a person's change in between wins),
// and logs a failure other than that.
func (e *Engine) command(ctx context.Context, id uuid.UUID, version int64, rule, kind string,
	run func(command.CommandMeta) (command.TicketResult, error)) (command.TicketResult, error) {
	meta, ok := e.systemMeta(id, rule)
	if !ok {
		return command.TicketResult{}, application.ErrNotFound
	}
	meta.IdempotencyKey = kind + ":" + id.String()
	meta.RequestHash = kind + ":" + rule
	meta.ExpectedVersion = &version
	res, err := run(meta)
	if err == nil && len(res.Appended) > 0 {
		e.stats.rules.Add(1)
	}
	if err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, application.ErrPrecondition) {
		e.log.Warn("policy command failed", slog.String("rule", rule), slog.String("ticket", id.String()), slog.Any("err", err))
	}
	return res, err
}

// routable reports whether the router should find the ticket an agent: classified (or
// escalated) and nobody's.
func routable(s domain.TicketState) bool {
	return s.Version >= 0 && s.Assignee == uuid.Nil &&
		(s.Status == domain.StatusClassified || s.Status == domain.StatusEscalated)
}

// route assigns the ticket automatically if it is routable and some agent can take it
// now; otherwise it stays in its queue until routeWaiting finds it room. The command is
// conditional on the version seen, so two processes never both assign it.
func (e *Engine) route(ctx context.Context, id uuid.UUID) bool {
	if !e.routing {
		return false
	}
	e.mu.Lock()
	tv := e.v.tickets[id]
	var s domain.TicketState
	if tv != nil {
		s = tv.t.State()
	}
	canTake := false
	if tv != nil && routable(s) && !tv.inFlight() {
		_, canTake = e.v.best(s, e.v.loads())
	}
	e.mu.Unlock()
	if !canTake {
		e.log.Debug("not routable now", slog.String("ticket", id.String()), slog.String("status", string(s.Status)), slog.Int64("version", s.Version))
		return false
	}
	meta, ok := e.systemMeta(id, RuleAutoRoute)
	if !ok {
		return false
	}
	version := s.Version
	meta.ExpectedVersion = &version
	meta.IdempotencyKey = fmt.Sprintf("auto-route:%s:%d", id, version)
	meta.RequestHash = meta.IdempotencyKey
	res, err := e.cmds.Assign.Handle(ctx, command.AssignTicket{TicketID: id, Auto: true}, meta)
	switch {
	case err == nil:
		if len(res.Appended) > 0 {
			e.stats.assigned.Add(1)
		}
		return true
	case errors.Is(err, command.ErrNoAgentAvailable), errors.Is(err, application.ErrPrecondition), errors.Is(err, context.Canceled):
		// no room after all, or the ticket moved on: a later event brings it back
		e.log.Debug("auto-route deferred", slog.String("ticket", id.String()), slog.Any("err", err))
	default:
		e.log.Warn("auto-route failed", slog.String("ticket", id.String()), slog.Any("err", err))
	}
	return false
}

// routeWaiting offers the routable tickets, most urgent first, to the agents with room.
// Loads are counted once for the whole queue and charged as tickets are planned, so a
// long queue with no room costs one pass, not one count per ticket; route() then decides
// each for real.
func (e *Engine) routeWaiting(ctx context.Context) {
	if !e.routing {
		return
	}
	for _, id := range e.plan() {
		if ctx.Err() != nil {
			return
		}
		e.route(ctx, id)
	}
}

// plan picks the waiting tickets some agent has room for, most urgent first.
func (e *Engine) plan() []uuid.UUID {
	now := e.clock.Now()
	e.mu.Lock()
	defer e.mu.Unlock()
	loads := e.v.loads()
	room := 0 // free places over the online agents
	for _, av := range e.v.agents {
		if a := av.a.State(); a.Online && loads[a.ID] < a.Capacity {
			room += a.Capacity - loads[a.ID]
		}
	}
	if room == 0 {
		return nil
	}
	// Sort keys, not states: this runs after many events, over every waiting ticket.
	type key struct {
		id   uuid.UUID
		rank int
		due  time.Time
	}
	waiting := make([]key, 0, len(e.v.waiting))
	for id, tv := range e.v.waiting {
		s := tv.t.State()
		waiting = append(waiting, key{id, s.Priority.Rank(), s.NextDue(now)})
	}
	slices.SortFunc(waiting, func(a, b key) int {
		if a.rank != b.rank {
			return cmp.Compare(a.rank, b.rank)
		}
		return a.due.Compare(b.due)
	})
	var out []uuid.UUID
	for _, k := range waiting {
		if room == 0 {
			break // nobody has a place left: the rest wait
		}
		if c, ok := e.v.best(e.v.waiting[k.id].t.State(), loads); ok {
			loads[c.id]++
			room--
			out = append(out, k.id)
		}
	}
	return out
}
