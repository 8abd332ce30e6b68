package domain

import "time"

// ClockStatus is one SLA clock as seen at a moment.
type ClockStatus struct {
	Due      time.Time // effective due time (moved forward by a wait in progress)
	Running  bool      // not yet met, and the ticket is open
	Breached bool
	Met      bool // met (answered, resolved) by its due time
}

// Clocks returns both SLA clocks as they stand at `now`. A clock breaches when it was
// recorded as breached, was met after its due time, or is still running past it. While
// the ticket waits, the clocks are paused: the effective due moves with the wait.
func (s TicketState) Clocks(now time.Time) (firstResponse, resolution ClockStatus) {
	due := s.shiftedDue(now)
	open := s.Status.Open()
	firstResponse = clock(due.FirstResponseDue, s.FirstRespondedAt, open, s.FirstResponseBreached, now)
	resolution = clock(due.ResolutionDue, s.ResolvedAt, open, s.ResolutionBreached, now)
	return firstResponse, resolution
}

func clock(due, metAt time.Time, open, recorded bool, now time.Time) ClockStatus {
	c := ClockStatus{Due: due, Running: metAt.IsZero() && open}
	switch {
	case recorded:
		c.Breached = true
	case !metAt.IsZero():
		c.Breached = metAt.After(due)
		c.Met = !c.Breached
	case c.Running:
		c.Breached = now.After(due)
	}
	return c
}

// NextDue is the nearest due time of a running clock, or the zero time if none runs.
func (s TicketState) NextDue(now time.Time) time.Time {
	fr, res := s.Clocks(now)
	switch {
	case fr.Running && (!res.Running || fr.Due.Before(res.Due)):
		return fr.Due
	case res.Running:
		return res.Due
	}
	return time.Time{}
}

// RecordSLAWarning records that a running clock passed its warning share, once per due time.
// It yields no event when the clock is not running, not yet at the warning point, already
// warned for this due time, or the ticket is waiting.
func (t *Ticket) RecordSLAWarning(clockName string, now time.Time, p SLAPolicy) []Event {
	s := t.s
	if !s.WaitingSince.IsZero() {
		return nil
	}
	c, _, warned := t.clockNamed(clockName, now)
	if !c.Running || c.Breached || warned.Equal(c.Due) || now.Before(s.WarningAt(clockName, c.Due, p)) {
		return nil
	}
	return []Event{SLAWarningIssued{Clock: clockName, Due: c.Due}}
}

// RecordSLABreach records a missed due time and, unless the ticket is already escalated,
// escalates it to the policy's escalation team with reason sla_breach. A breach already
// recorded, a met or paused clock, or one not yet due yields no event: so the monitor
// may call this as often as it likes, and a breach fires exactly once.
func (t *Ticket) RecordSLABreach(clockName string, now time.Time, p SLAPolicy) []Event {
	s := t.s
	if !s.WaitingSince.IsZero() {
		return nil
	}
	c, _, _ := t.clockNamed(clockName, now)
	recorded := s.FirstResponseBreached
	if clockName == ClockResolution {
		recorded = s.ResolutionBreached
	}
	if !c.Running || recorded || !now.After(c.Due) {
		return nil
	}
	events := []Event{SLABreached{Clock: clockName, Due: c.Due}}
	if s.Status != StatusEscalated {
		events = append(events, t.escalation(EscalateTicket{Reason: SLABreachReason}, now, p))
	}
	return events
}

// SLABreachReason is the reason of an escalation caused by a breach.
const SLABreachReason = "sla_breach"

func (t *Ticket) clockNamed(name string, now time.Time) (ClockStatus, time.Time, time.Time) {
	fr, res := t.s.Clocks(now)
	if name == ClockFirstResponse {
		return fr, t.s.CreatedAt.Add(t.s.Paused), t.s.FirstResponseWarned
	}
	return res, t.s.ClockStart.Add(t.s.Paused), t.s.ResolutionWarned
}
