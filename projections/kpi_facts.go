package projections

import (
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/domain"
)

// KPIFact is the row the KPI report reads for one ticket: its snapshot, plus what the
// snapshot forgets and the KPIs of API.md need (all waiting time, every resolution,
// every rating).
type KPIFact struct {
	State domain.TicketState
	// Waited is the time spent waiting on the customer, over every completed wait.
	Waited time.Duration
	// LastResolvedAt is when the ticket was last resolved (zero if never).
	LastResolvedAt time.Time
	// Closed are the periods in which the ticket was not open: from a resolution to
	// the reopening after it (Until is zero while the period lasts).
	Closed []Period
	// Ratings, RatingSum and Satisfied count the customer's ratings (one per resolution),
	// their total score and those of 4 or 5.
	Ratings, RatingSum, Satisfied int
}

// Period is a span of time [From, Until); a zero Until has no end yet.
type Period struct {
	From  time.Time `json:"from"`
	Until time.Time `json:"until"`
}

// ID is the ticket's id.
func (f KPIFact) ID() uuid.UUID { return f.State.ID }

// ApplyKPI folds one ticket event into a fact row.
func ApplyKPI(f KPIFact, e domain.Event, at time.Time) KPIFact {
	return kpiStep(f, e, at, ApplyTicket(f.State, e, at))
}

// kpiStep is ApplyKPI given the ticket's state after the event (computed once per record
// for every projection).
func kpiStep(f KPIFact, e domain.Event, at time.Time, after domain.TicketState) KPIFact {
	before := f.State.WaitingSince
	f.State = after
	if !before.IsZero() && f.State.WaitingSince.IsZero() {
		f.Waited += at.Sub(before)
	}
	switch e := e.(type) {
	case domain.TicketResolved:
		f.LastResolvedAt = at
		f.Closed = append(slices.Clip(f.Closed), Period{From: at}) // never write into a shared array
	case domain.TicketReopened:
		if n := len(f.Closed); n > 0 && f.Closed[n-1].Until.IsZero() {
			f.Closed = slices.Clone(f.Closed)
			f.Closed[n-1].Until = at
		}
	case domain.TicketRated:
		f.Ratings++
		f.RatingSum += e.Score
		if e.Score >= 4 {
			f.Satisfied++
		}
	}
	return f
}

// OpenAt reports whether the ticket was open at t: received by then, and not within a
// period between a resolution and the reopening after it.
func (f KPIFact) OpenAt(t time.Time) bool {
	if f.State.CreatedAt.After(t) {
		return false
	}
	for _, p := range f.Closed {
		if !p.From.After(t) && (p.Until.IsZero() || t.Before(p.Until)) {
			return false
		}
	}
	return true
}

// ResolvedNow reports whether the ticket is resolved or closed.
func (f KPIFact) ResolvedNow() bool {
	return f.State.Status == domain.StatusResolved || f.State.Status == domain.StatusClosed
}

// FirstResponseTime is received → first public agent reply (or the resolution when none
// came first); ok is false when there was neither.
func (f KPIFact) FirstResponseTime() (time.Duration, bool) {
	if f.State.FirstRespondedAt.IsZero() {
		return 0, false
	}
	return f.State.FirstRespondedAt.Sub(f.State.CreatedAt), true
}

// ResolutionTime is received → last resolution minus the time spent waiting, for a
// ticket that is resolved or closed now.
func (f KPIFact) ResolutionTime() (time.Duration, bool) {
	if !f.ResolvedNow() || f.LastResolvedAt.IsZero() {
		return 0, false
	}
	return f.LastResolvedAt.Sub(f.State.CreatedAt) - f.Waited, true
}

// FirstContactResolution: resolved with at most one public agent reply, never
// escalated, never reopened.
func (f KPIFact) FirstContactResolution() bool {
	return f.ResolvedNow() && f.State.PublicReplies <= 1 && !f.State.Escalated && !f.State.Reopened
}
