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
	// NPSResponses, NPSPromoters and NPSDetractors count the ratings that carried an NPS
	// answer, those of 9 or 10, and those of 0 to 6.
	NPSResponses, NPSPromoters, NPSDetractors int
	// FirstResponseWork and ResolutionWork are the working times the events carry for a
	// ticket under a business calendar (the first response's, the last resolution's); nil
	// under 24×7, where business time is calendar time (kpi_business.go).
	FirstResponseWork *time.Duration `json:",omitempty"`
	ResolutionWork    *time.Duration `json:",omitempty"`
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
	f = kpiWork(f, e) // reads the state before the event
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
		if e.NPS != nil {
			f.NPSResponses++
			f.NPSPromoters += b2i(*e.NPS >= 9)
			f.NPSDetractors += b2i(*e.NPS <= 6)
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

// kpiProjection keeps one fact row per ticket. Its table's analysts' columns are derived
// with the same methods the report uses, so SQL on the table and GET /reports/kpi agree.
var kpiProjection = Declare(Spec[KPIFact]{
	Name: KPI, Reads: TicketStreams,
	Empty: func(uuid.UUID) KPIFact { return KPIFact{State: emptyTicket()} },
	Fold:  func(f KPIFact, e *Event) KPIFact { return kpiStep(f, e.Data, e.At(), e.Ticket(f.State)) },
	Head:  func(f *KPIFact) (*uuid.UUID, *int64) { return &f.State.ID, &f.State.Version },
	Table: Table{
		Name: "rm_kpi_tickets", Key: []string{"ticket_id"},
		Columns: []Column{
			Col("ticket_id", "uuid", func(f *KPIFact) uuid.UUID { return f.State.ID }),
			Col("version", "bigint", func(f *KPIFact) int64 { return f.State.Version }),
			Col("received_at", "timestamptz", func(f *KPIFact) time.Time { return f.State.CreatedAt }),
			Col("received_day", "date", func(f *KPIFact) time.Time { return utcDay(f.State.CreatedAt) }),
			Col("channel", "text", func(f *KPIFact) string { return string(f.State.Channel) }),
			Col("tier", "text", func(f *KPIFact) string { return string(f.State.Customer.Tier) }),
			NullCol("category", "text", func(f *KPIFact) string { return f.State.Category }),
			Col("team", "text", func(f *KPIFact) string { return f.State.Team }),
			NullCol("agent_id", "uuid", func(f *KPIFact) uuid.UUID { return f.State.Assignee }),
			NullCol("agent_name", "text", func(f *KPIFact) string { return f.State.AssigneeName }),
			Col("priority", "text", func(f *KPIFact) string { return string(f.State.Priority) }),
			Col("status", "text", func(f *KPIFact) string { return string(f.State.Status) }),
			Col("is_resolved", "boolean", func(f *KPIFact) bool { return f.ResolvedNow() }),
			NullCol("first_response_at", "timestamptz", func(f *KPIFact) time.Time { return f.State.FirstRespondedAt }),
			NullCol("first_response_due", "timestamptz", func(f *KPIFact) time.Time { return f.State.SLA.FirstResponseDue }),
			Col("first_response_breached", "boolean", func(f *KPIFact) bool { return f.State.FirstResponseBreached }),
			NullCol("last_resolved_at", "timestamptz", func(f *KPIFact) time.Time { return f.LastResolvedAt }),
			NullCol("resolution_due", "timestamptz", func(f *KPIFact) time.Time { return f.State.SLA.ResolutionDue }),
			Col("resolution_breached", "boolean", func(f *KPIFact) bool { return f.State.ResolutionBreached }),
			NullCol("waiting_since", "timestamptz", func(f *KPIFact) time.Time { return f.State.WaitingSince }),
			Col("waiting_seconds", "double precision", func(f *KPIFact) float64 { return f.Waited.Seconds() }),
			Col("first_response_seconds", "double precision", func(f *KPIFact) NullFloat { return seconds(f.FirstResponseTime()) }),
			Col("resolution_seconds", "double precision", func(f *KPIFact) NullFloat { return seconds(f.ResolutionTime()) }),
			Col("public_replies", "integer", func(f *KPIFact) int { return f.State.PublicReplies }),
			Col("resolutions", "integer", func(f *KPIFact) int { return f.State.Resolutions }),
			Col("escalated", "boolean", func(f *KPIFact) bool { return f.State.Escalated }),
			Col("reopened", "boolean", func(f *KPIFact) bool { return f.State.Reopened }),
			Col("fcr", "boolean", func(f *KPIFact) bool { return f.FirstContactResolution() }),
			Col("ratings", "integer", func(f *KPIFact) int { return f.Ratings }),
			Col("rating_sum", "integer", func(f *KPIFact) int { return f.RatingSum }),
			Col("ratings_satisfied", "integer", func(f *KPIFact) int { return f.Satisfied }),
			Col("closed_periods", "tstzmultirange", func(f *KPIFact) []Period { return f.Closed }),
			// Migration 00009: the tags (group_by=tag counts a ticket under each) and NPS counts.
			Col("tags", "text[]", func(f *KPIFact) []string { return nonNil(f.State.Tags.List()) }),
			Col("nps_responses", "integer", func(f *KPIFact) int { return f.NPSResponses }),
			Col("nps_promoters", "integer", func(f *KPIFact) int { return f.NPSPromoters }),
			Col("nps_detractors", "integer", func(f *KPIFact) int { return f.NPSDetractors }),
			SnapshotCol("fact"),
		},
		Read: []string{"fact"}, Scan: ScanSnapshot[KPIFact],
	},
})

// utcDay is the UTC calendar day t falls on.
func utcDay(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

func seconds(d time.Duration, ok bool) NullFloat { return NullFloat{Float: d.Seconds(), Valid: ok} }
