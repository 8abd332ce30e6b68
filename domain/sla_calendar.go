package domain

import (
	"fmt"
	"math"
	"time"
)

// The SLA clocks under calendars. A target counts business time under the calendar its
// rule names for the ticket's team and tier, or calendar time (24×7) when no rule matches:
// the default, and the arithmetic every ticket had before calendars existed (nil below).
// Every due time is decided by a command and carried by its event, so changing a calendar
// changes only the due times decided after the change, and a rebuild gives the same rows.

// CalendarRule says that the clocks of a team's tickets (any team when Team is empty) of a
// tier (any tier when empty) count business time under the calendar named Calendar. The
// first matching rule wins.
type CalendarRule struct {
	Team     string `json:"team,omitempty"`
	Tier     Tier   `json:"tier,omitempty"`
	Calendar string `json:"calendar"`
}

// CalendarFor is the calendar a team's clocks count under for a tier; nil is 24×7.
func (p SLAPolicy) CalendarFor(team string, tier Tier) *Calendar {
	for _, r := range p.BusinessTime {
		if (r.Team == "" || r.Team == team) && (r.Tier == "" || r.Tier == tier) {
			return p.Calendars[r.Calendar]
		}
	}
	return nil
}

func (p SLAPolicy) validateCalendars() error {
	for name, c := range p.Calendars {
		if c == nil || c.Name != name {
			return fmt.Errorf("%w: calendar %q is not defined under its name", ErrInvalid, name)
		}
	}
	for i, r := range p.BusinessTime {
		if _, ok := p.Calendars[r.Calendar]; !ok {
			return fmt.Errorf("%w: business_time[%d]: unknown calendar %q", ErrInvalid, i, r.Calendar)
		}
		if r.Tier != "" && !r.Tier.Valid() {
			return fmt.Errorf("%w: business_time[%d]: unknown tier %q", ErrInvalid, i, r.Tier)
		}
	}
	return nil
}

// after is the instant d of the clock's time after start: business time under cal, or
// calendar time when cal is nil.
func after(cal *Calendar, start time.Time, d time.Duration) time.Time {
	if cal == nil {
		return start.Add(d)
	}
	return cal.AddBusiness(start, d)
}

// calendar is the calendar the ticket's clocks count under now.
func (s TicketState) calendar(p SLAPolicy) *Calendar { return p.CalendarFor(s.Team, s.Customer.Tier) }

// resumedDue is what the due times become when a wait ends at now, decided under the
// calendar in force: a due still ahead when the wait began keeps the business time that
// was left before it, counted again from now. WaitedWork is the working time the wait
// took, so that later recomputations (a new priority) leave the waits out. Under 24×7 it
// is the wall-clock shift of shiftedDue, with no WaitedWork (so old events read the same).
func (s TicketState) resumedDue(now time.Time, p SLAPolicy) SLADue {
	cal := s.calendar(p)
	if cal == nil || s.WaitingSince.IsZero() {
		return s.shiftedDue(now)
	}
	move := func(due time.Time) time.Time {
		if !due.After(s.WaitingSince) {
			return due
		}
		return cal.AddBusiness(now, cal.Business(s.WaitingSince, due))
	}
	return SLADue{
		FirstResponseDue: move(s.SLA.FirstResponseDue), ResolutionDue: move(s.SLA.ResolutionDue),
		WaitedWork: cal.Business(s.WaitingSince, now),
	}
}

// WarningAt is when the named clock, due at due, reaches the policy's warning share. Under
// 24×7 it is the share of the time from the clock's start (waits excluded) to its due;
// under a calendar it is the moment when the business time left before the due is the
// rest of the target ((1 − share) × target), so nights and holidays do not count.
func (s TicketState) WarningAt(clockName string, due time.Time, p SLAPolicy) time.Time {
	start := s.ClockStart
	target := p.Target(s.Customer.Tier, s.Priority)
	d := target.Resolution
	if clockName == ClockFirstResponse {
		start, d = s.CreatedAt, target.FirstResponse
	}
	cal := s.calendar(p)
	if cal == nil {
		return p.WarningAt(start.Add(s.Paused), due)
	}
	keep := d - time.Duration(math.Round(float64(d)*p.WarningShare)) // 80 % of 2 h leaves 24 min, not 23m59.99s
	return cal.AddBusiness(start, max(cal.Business(start, due)-keep, 0))
}
