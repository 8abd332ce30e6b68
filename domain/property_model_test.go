package domain_test

import (
	"time"

	"github.com/ticketengine/ticketengine/domain"
)

// clockModel is an oracle for the SLA clocks, computed from a ticket's history without the
// code's due-time arithmetic: a clock is breached when the time it ran outside waits
// exceeds the target of the ticket's tier and priority (the priority when the clock was met,
// for a met clock).
type clockModel struct {
	tier                 domain.Tier
	prio                 domain.Priority
	created, resStart    time.Time
	waits                [][2]time.Time // closed waits; an open one has a zero end
	frMetAt, resolvedAt  time.Time
	frPrio               domain.Priority
	resolutions, ratedAt int // ratedAt is the resolution count the last rating was for
	frBreachEvents       int
	resBreachSinceReopen int
}

func modelOf(history []recorded) *clockModel {
	c := &clockModel{}
	for _, r := range history {
		c.fold(r.e, r.at)
	}
	return c
}

func (c *clockModel) fold(e domain.Event, at time.Time) {
	switch e := e.(type) {
	case domain.TicketReceived:
		c.tier, c.prio, c.created, c.resStart = e.Customer.Tier, e.Priority, at, at
	case domain.TicketClassified:
		c.prio = e.Priority
	case domain.TicketReprioritized:
		c.prio = e.Priority
	case domain.TicketAwaitingCustomer:
		c.waits = append(c.waits, [2]time.Time{at, {}})
	case domain.CustomerReplied, domain.TicketEscalated:
		c.endWait(at)
	case domain.TicketReplied:
		if e.Public {
			c.meetFirstResponse(at)
		}
	case domain.TicketResolved:
		c.endWait(at)
		c.meetFirstResponse(at)
		c.resolvedAt = at
		c.resolutions++
	case domain.TicketReopened:
		c.resStart, c.resolvedAt, c.resBreachSinceReopen = at, time.Time{}, 0
	case domain.TicketRated:
		c.ratedAt = c.resolutions
	case domain.SLABreached:
		if e.Clock == domain.ClockFirstResponse {
			c.frBreachEvents++
		} else {
			c.resBreachSinceReopen++
		}
	}
}

func (c *clockModel) endWait(at time.Time) {
	if n := len(c.waits); n > 0 && c.waits[n-1][1].IsZero() {
		c.waits[n-1][1] = at
	}
}

func (c *clockModel) meetFirstResponse(at time.Time) {
	if c.frMetAt.IsZero() {
		c.frMetAt, c.frPrio = at, c.prio
	}
}

// active is the time in [from, to] spent outside waits.
func (c *clockModel) active(from, to time.Time) time.Duration {
	d := to.Sub(from)
	for _, w := range c.waits {
		end := w[1]
		if end.IsZero() || end.After(to) {
			end = to
		}
		start := w[0]
		if start.Before(from) {
			start = from
		}
		if end.After(start) {
			d -= end.Sub(start)
		}
	}
	return d
}

func (c *clockModel) waiting() bool { n := len(c.waits); return n > 0 && c.waits[n-1][1].IsZero() }

// breached says whether each clock is over its target at now, by the oracle alone.
func (c *clockModel) breached(p domain.SLAPolicy, now time.Time) (fr, res bool) {
	if c.frMetAt.IsZero() {
		fr = c.active(c.created, now) > p.Target(c.tier, c.prio).FirstResponse
	} else {
		fr = c.active(c.created, c.frMetAt) > p.Target(c.tier, c.frPrio).FirstResponse
	}
	end := now
	if !c.resolvedAt.IsZero() {
		end = c.resolvedAt
	}
	res = c.active(c.resStart, end) > p.Target(c.tier, c.prio).Resolution
	return fr, res
}

// running says whether each clock still runs (not met, ticket open).
func (c *clockModel) running() (fr, res bool) {
	open := c.resolvedAt.IsZero()
	return open && c.frMetAt.IsZero(), open
}

// elapsed is the active time of a clock at now, and its target.
func (c *clockModel) elapsed(p domain.SLAPolicy, clock string, now time.Time) (time.Duration, time.Duration) {
	t := p.Target(c.tier, c.prio)
	if clock == domain.ClockFirstResponse {
		return c.active(c.created, now), t.FirstResponse
	}
	return c.active(c.resStart, now), t.Resolution
}
