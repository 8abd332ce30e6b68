package policy

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/domain"
)

// The stage monitor: the policy's stage time limits (domain/ticket_stage.go) share the SLA
// monitor's timer index under a key of their own per ticket, set to the earliest stage due
// time of the ticket as it stands. When it comes, the engine issues CheckStage; the domain
// records each passed limit once per rule and due time, so a repeated, late or concurrent
// check (a restart, another process) records nothing twice. Like the SLA monitor it runs
// only in the engine that leads (under the lease).

// RuleStageMonitor is the rule recorded on the stage monitor's commands.
const RuleStageMonitor = "stage_monitor"

// stageTimer is the timer key's clock name for a ticket's stage limits.
const stageTimer = "stages"

// scheduleStagesLocked sets the ticket's stage timer from its current state.
func (e *Engine) scheduleStagesLocked(id uuid.UUID) {
	var at time.Time
	if tv := e.v.tickets[id]; tv != nil && len(e.policy.Stages) > 0 {
		at = nextStageDue(tv.t.State(), e.policy)
	}
	e.mon.set(timerKey{id, stageTimer}, at)
}

// nextStageDue is the earliest time a stage limit needs a look: a warning point not yet
// warned, or a due time that has not acted.
func nextStageDue(s domain.TicketState, p domain.SLAPolicy) time.Time {
	var next time.Time
	for _, r := range p.Stages {
		if d := s.StageNext(r, p); !d.IsZero() && (next.IsZero() || d.Before(next)) {
			next = d
		}
	}
	return next
}

// fireStage issues CheckStage; as fire does for the SLA clocks, it looks again after
// RetryAfter when the stage is still due (the events that arrive reschedule it precisely).
func (e *Engine) fireStage(ctx context.Context, k timerKey) {
	meta, ok := e.systemMeta(k.ticket, RuleStageMonitor)
	if !ok {
		return
	}
	_, err := e.cmds.CheckStage.Handle(ctx, command.CheckStage{TicketID: k.ticket}, meta)
	if err != nil && !errors.Is(err, context.Canceled) {
		e.log.Warn("stage check failed; will retry", slog.String("ticket", k.ticket.String()), slog.Any("err", err))
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if tv := e.v.tickets[k.ticket]; tv != nil {
		if at := nextStageDue(tv.t.State(), e.policy); !at.IsZero() {
			e.mon.set(k, laterOf(at, e.clock.Now().Add(e.retry)))
		}
	}
}
