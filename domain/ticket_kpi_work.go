package domain

import "time"

// The KPI durations in business time. A read model folds one ticket's events and cannot
// see the calendars, so the command that ends a KPI duration decides its working time under
// the calendar in force for the ticket's team and tier at that moment, and its event
// carries it: a rebuild reads the same numbers from the same events, whatever the policy
// file says today. Under 24×7 (no calendar) nothing is carried, and business time is
// calendar time.

// firstResponseWork is the working time from receipt to now when now is the ticket's
// first response under a business calendar; nil otherwise.
func (s TicketState) firstResponseWork(now time.Time, p SLAPolicy) *time.Duration {
	cal := s.calendar(p)
	if cal == nil || now.IsZero() || !s.FirstRespondedAt.IsZero() {
		return nil
	}
	d := cal.Business(s.CreatedAt, now)
	return &d
}

// resolution is the TicketResolved of a resolution at now. Under a business calendar it
// carries the due times a wait it ends gives them (sla_calendar.go) and the KPI working
// times: the first response's when the resolution is it, and the resolution's, from
// receipt to now less the working time of every wait since receipt, as each wait's end
// recorded it.
func (s TicketState) resolution(text string, now time.Time, p SLAPolicy) TicketResolved {
	e := TicketResolved{Resolution: text}
	cal := s.calendar(p)
	if cal == nil || now.IsZero() {
		return e
	}
	waited := s.WaitedWorkBefore + s.PausedWork
	if s.Status == StatusWaiting {
		due := s.resumedDue(now, p)
		e.SLA = &due
		waited += due.WaitedWork
	}
	e.FirstResponseWork = s.firstResponseWork(now, p)
	work := max(cal.Business(s.CreatedAt, now)-waited, 0)
	e.ResolutionWork = &work
	return e
}
