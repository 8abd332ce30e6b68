package policy

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/domain"
)

// The roster duty (docs/SLA-CLOCKS.md, "Shifts"). Presence follows each agent's roster:
// at a shift's start the agent goes online, at its end offline, once per boundary. The
// duty looks every ShiftOptions.Every at the newest boundary of each agent's roster; a
// boundary later than the last the agent recorded is acted on (PassShiftBoundary), so a
// manual change of presence holds until the next boundary, and a duty that was down
// acts on the newest boundary only. At a shift's end the agent's open tickets are handed
// over first, then the end is recorded: a crash in between hands over again, which
// changes nothing for tickets handed over already. It runs under the lease "shifts";
// the domain refusing a boundary it has recorded keeps it once across processes anyway.

// Hand-over targets at a shift's end.
const (
	HandOverQueue     = "queue"      // back to the team's queue (as a deactivation does)
	HandOverNextShift = "next_shift" // to a team mate on shift, else the queue
	RuleShiftRoster   = "shift_roster"
	ShiftEndedReason  = "shift ended"
	defaultShiftEvery = 30 * time.Second
)

// ShiftOptions configure the roster duty and routing near a shift's end.
type ShiftOptions struct {
	// Margin: routing gives no ticket to an agent whose shift ends within it. 0 is the
	// default (15 minutes); negative turns the rule off.
	Margin time.Duration
	// HandOver is HandOverQueue (the default) or HandOverNextShift.
	HandOver string
	// Every is how often RunShifts looks at the rosters; default 30 seconds.
	Every time.Duration
}

func (o ShiftOptions) withDefaults() ShiftOptions {
	if o.Margin == 0 {
		o.Margin = domain.DefaultShiftMarginMinutes * time.Minute
	}
	if o.HandOver == "" {
		o.HandOver = HandOverQueue
	}
	if o.Every <= 0 {
		o.Every = defaultShiftEvery
	}
	return o
}

// CheckHandOver refuses an unknown hand-over target, naming the ones there are.
func CheckHandOver(v string) error {
	if v != "" && v != HandOverQueue && v != HandOverNextShift {
		return fmt.Errorf("shift hand-over %q: must be %s or %s", v, HandOverQueue, HandOverNextShift)
	}
	return nil
}

// shiftEnding is the routing rule: the agent's rostered shift ends within the margin.
func (e *Engine) shiftEnding(a domain.AgentState) bool {
	return e.shifts.Margin > 0 && domain.ShiftEndsWithin(a, e.clock.Now(), e.shifts.Margin)
}

// RunShifts is the roster duty: once the engine has caught up, ShiftTick every
// ShiftOptions.Every until ctx ends. epoch is the lease's, carried by its commands.
func (e *Engine) RunShifts(ctx context.Context, epoch uint64) error {
	select {
	case <-e.ready:
	case <-ctx.Done():
		return nil
	}
	t := time.NewTicker(e.shifts.Every)
	defer t.Stop()
	for {
		if err := e.ShiftTick(ctx, epoch); err != nil && ctx.Err() == nil {
			e.log.Warn("shift roster", slog.Any("err", err))
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

type dueBoundary struct {
	agent    domain.AgentState
	at       time.Time
	starting bool
	shift    domain.Shift
}

// ShiftTick acts on every boundary due now: starts first (so a hand-over to the next
// shift finds the team mates who start as others end), then ends.
func (e *Engine) ShiftTick(ctx context.Context, epoch uint64) error {
	now := e.clock.Now()
	var due []dueBoundary
	e.mu.Lock()
	for _, av := range e.v.agents {
		s := av.a.State()
		if s.Version < 0 || s.Roster.Empty() || s.Deactivated || s.RoleOf() != domain.RoleAgent {
			continue
		}
		if at, starting, sh, ok := domain.LastShiftBoundary(s, now); ok && at.After(s.ShiftBoundary) {
			due = append(due, dueBoundary{s, at, starting, sh})
		}
	}
	e.mu.Unlock()
	slices.SortFunc(due, func(a, b dueBoundary) int {
		if a.starting != b.starting {
			if a.starting {
				return -1
			}
			return 1
		}
		return strings.Compare(a.agent.ID.String(), b.agent.ID.String())
	})
	var errs []error
	for _, d := range due {
		meta := command.CommandMeta{Actor: command.SystemActor, Rule: RuleShiftRoster, LeaseEpoch: epoch}
		if !d.starting {
			if err := e.handOver(ctx, d.agent, d.at, meta); err != nil {
				errs = append(errs, err)
				continue // the end is recorded once its tickets are handed over
			}
		}
		if _, err := e.cmds.PassShift.Handle(ctx, command.PassShiftBoundary{AgentID: d.agent.ID, At: d.at,
			Starting: d.starting, End: d.shift.End}, meta); err != nil {
			errs = append(errs, fmt.Errorf("shift boundary of %s: %w", d.agent.ID, err))
		}
	}
	return errors.Join(errs...)
}

// handOver moves the open tickets of the agent whose shift ended at `at`: to a team
// mate on shift (next_shift), else back to the team queue.
func (e *Engine) handOver(ctx context.Context, agent domain.AgentState, at time.Time, meta command.CommandMeta) error {
	open := e.openTicketsOf(agent.ID)
	var toQueue []uuid.UUID
	for _, t := range open {
		if e.shifts.HandOver != HandOverNextShift || !e.toNextShift(ctx, agent, t, at, meta) {
			toQueue = append(toQueue, t.ID)
		}
	}
	if len(toQueue) == 0 {
		return nil
	}
	_, err := e.cmds.ReleaseTickets.WithTickets(ticketList(toQueue)).Handle(ctx,
		command.ReleaseAgentTickets{AgentID: agent.ID, Reason: ShiftEndedReason}, meta)
	return err
}

// toNextShift assigns the ticket to the least loaded team mate on shift at `at` with
// more than the margin left, at the version this view saw (so a second process, or a
// change meanwhile, makes it a no-op); false when none could take it.
func (e *Engine) toNextShift(ctx context.Context, from domain.AgentState, t domain.TicketState, at time.Time, meta command.CommandMeta) bool {
	next, ok := e.nextOnShift(from, t, at)
	if !ok {
		return false
	}
	m := meta
	v := t.Version
	m.ExpectedVersion = &v
	_, err := e.cmds.Assign.Handle(ctx, command.AssignTicket{TicketID: t.ID, AgentID: next}, m)
	if err != nil && !errors.Is(err, application.ErrPrecondition) {
		e.log.Info("shift hand-over to the next shift failed: back to the queue", slog.String("ticket", t.ID.String()), slog.Any("err", err))
		return false
	}
	return true
}

func (e *Engine) nextOnShift(from domain.AgentState, t domain.TicketState, at time.Time) (uuid.UUID, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	loads := e.v.loads()
	var best uuid.UUID
	bestLoad, found := 0, false
	for id, av := range e.v.agents {
		s := av.a.State()
		if id == from.ID || s.Version < 0 || s.Deactivated || s.RoleOf() != domain.RoleAgent || !strings.EqualFold(s.Team, from.Team) {
			continue
		}
		if t.Category != "" && !s.HasSkill(t.Category) {
			continue
		}
		sh, on := domain.CurrentShift(s, at)
		if !on || sh.End.Sub(at) <= max(e.shifts.Margin, 0) || loads[id] >= s.Capacity {
			continue
		}
		if !found || loads[id] < bestLoad || (loads[id] == bestLoad && id.String() < best.String()) {
			best, bestLoad, found = id, loads[id], true
		}
	}
	return best, found
}

// openTicketsOf are the tickets assigned to the agent that a hand-over may move.
func (e *Engine) openTicketsOf(agent uuid.UUID) []domain.TicketState {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []domain.TicketState
	for _, tv := range e.v.tickets {
		s := tv.t.State()
		if s.Assignee == agent && (s.Status == domain.StatusAssigned || s.Status == domain.StatusEscalated || s.Status == domain.StatusWaiting) {
			out = append(out, s)
		}
	}
	slices.SortFunc(out, func(a, b domain.TicketState) int { return strings.Compare(a.ID.String(), b.ID.String()) })
	return out
}

// ticketList is a command.AssignedTickets of tickets found already.
type ticketList []uuid.UUID

func (l ticketList) OpenTicketsOf(context.Context, uuid.UUID) ([]uuid.UUID, error) { return l, nil }
