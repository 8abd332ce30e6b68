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

// The engine's side of the SLA monitor (monitor.go): setting a ticket's timers from its
// state, and issuing CheckSLA when one comes due.

// scheduleLocked (re)sets the ticket's SLA timers from its current state.
func (e *Engine) scheduleLocked(id uuid.UUID) {
	var fr, res time.Time // none for a ticket no longer in the view (closed)
	if tv := e.v.tickets[id]; tv != nil {
		fr, res = checkTimes(tv.t.State(), e.policy, e.clock.Now())
	}
	e.mon.set(timerKey{id, domain.ClockFirstResponse}, fr)
	e.mon.set(timerKey{id, domain.ClockResolution}, res)
	e.scheduleStagesLocked(id)
}

// fire issues CheckSLA for one clock. Whatever happens, the clock is looked at again: when
// the resulting events arrive they reschedule it precisely; until then (or if the check
// recorded nothing, or failed) it is retried after RetryAfter, never in a busy loop.
func (e *Engine) fire(ctx context.Context, k timerKey) {
	if k.clock == stageTimer {
		e.fireStage(ctx, k)
		return
	}
	meta, ok := e.systemMeta(k.ticket, RuleSLAMonitor)
	if !ok {
		return
	}
	res, err := e.cmds.CheckSLA.Handle(ctx, command.CheckSLA{TicketID: k.ticket, Clock: k.clock}, meta)
	e.stats.countSLA(res.Appended)
	if err != nil && !errors.Is(err, context.Canceled) {
		e.log.Warn("SLA check failed; will retry", slog.String("ticket", k.ticket.String()), slog.String("clock", k.clock), slog.Any("err", err))
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	tv := e.v.tickets[k.ticket]
	if tv == nil {
		return
	}
	fr, resolution := checkTimes(tv.t.State(), e.policy, e.clock.Now())
	at := fr
	if k.clock == domain.ClockResolution {
		at = resolution
	}
	if !at.IsZero() {
		e.mon.set(k, laterOf(at, e.clock.Now().Add(e.retry)))
	}
}

func laterOf(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
