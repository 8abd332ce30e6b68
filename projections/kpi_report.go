package projections

import (
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/domain"
)

// GroupBy values of GET /reports/kpi.
var GroupBys = []string{"agent", "team", "category", "channel", "tier", "day"}

// KPIRow is one row of the KPI report: the KPIs of API.md for one group of tickets
// received in [from, to). A value without any ticket to measure is null.
type KPIRow struct {
	Group                   string   `json:"group"`
	Received                int      `json:"received"`
	Resolved                int      `json:"resolved"`
	ResolutionRate          *float64 `json:"resolution_rate"`
	FirstResponseSecondsAvg *float64 `json:"first_response_seconds_avg"`
	FirstResponseSecondsP50 *float64 `json:"first_response_seconds_p50"`
	FirstResponseSecondsP90 *float64 `json:"first_response_seconds_p90"`
	ResolutionSecondsAvg    *float64 `json:"resolution_seconds_avg"`
	ResolutionSecondsP50    *float64 `json:"resolution_seconds_p50"`
	ResolutionSecondsP90    *float64 `json:"resolution_seconds_p90"`
	FCRRate                 *float64 `json:"fcr_rate"`
	EscalationRate          *float64 `json:"escalation_rate"`
	ReopenRate              *float64 `json:"reopen_rate"`
	SLAFirstResponseMetRate *float64 `json:"sla_first_response_met_rate"`
	SLAResolutionMetRate    *float64 `json:"sla_resolution_met_rate"`
	CSATAvg                 *float64 `json:"csat_avg"`
	CSATSatisfiedRate       *float64 `json:"csat_satisfied_rate"`
	Rated                   int      `json:"rated"`
	Backlog                 int      `json:"backlog"`
}

// GroupOf is the group a ticket falls in: the current assignee's id ("unassigned"), the
// current team, the category ("uncategorized"), the channel, the customer's tier, or
// the UTC day it was received (YYYY-MM-DD).
func GroupOf(f KPIFact, groupBy string) (string, error) {
	s := f.State
	switch groupBy {
	case "agent":
		if s.Assignee == uuid.Nil {
			return "unassigned", nil
		}
		return s.Assignee.String(), nil
	case "team":
		return s.Team, nil
	case "category":
		if s.Category == "" {
			return "uncategorized", nil
		}
		return s.Category, nil
	case "channel":
		return string(s.Channel), nil
	case "tier":
		return string(s.Customer.Tier), nil
	case "day":
		return s.CreatedAt.UTC().Format("2006-01-02"), nil
	}
	return "", fmt.Errorf("%w: group_by must be one of agent, team, category, channel, tier, day", domain.ErrInvalid)
}

// Report computes the KPI rows of the tickets received in [from, to), one per group,
// ordered by group. SLA clocks are judged as they stand at `now`; the backlog at `to`.
func Report(facts []KPIFact, from, to time.Time, groupBy string, now time.Time) ([]KPIRow, error) {
	groups := map[string][]KPIFact{}
	for _, f := range facts {
		if f.State.CreatedAt.Before(from) || !f.State.CreatedAt.Before(to) {
			continue
		}
		g, err := GroupOf(f, groupBy)
		if err != nil {
			return nil, err
		}
		groups[g] = append(groups[g], f)
	}
	if _, err := GroupOf(KPIFact{}, groupBy); err != nil {
		return nil, err
	}
	rows := make([]KPIRow, 0, len(groups))
	for g, fs := range groups {
		rows = append(rows, kpiRow(g, fs, to, now))
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].Group < rows[j].Group })
	return rows, nil
}

// tally counts the numerators and denominators of one group.
type tally struct {
	received, resolved, fcr, escalated, reopened, backlog int
	frMet, frJudged, resMet, resJudged                    int
	ratings, ratingSum, satisfied                         int
	firstResponse, resolution                             []float64
}

func (t *tally) add(f KPIFact, to, now time.Time) {
	t.received++
	if f.ResolvedNow() {
		t.resolved++
	}
	if f.FirstContactResolution() {
		t.fcr++
	}
	t.escalated += b2i(f.State.Escalated)
	t.reopened += b2i(f.State.Reopened)
	t.backlog += b2i(f.OpenAt(to))
	if d, ok := f.FirstResponseTime(); ok {
		t.firstResponse = append(t.firstResponse, d.Seconds())
	}
	if d, ok := f.ResolutionTime(); ok {
		t.resolution = append(t.resolution, d.Seconds())
	}
	fr, res := f.State.Clocks(now)
	if judged(fr, now) {
		t.frJudged++
		t.frMet += b2i(!fr.Breached)
	}
	if judged(res, now) {
		t.resJudged++
		t.resMet += b2i(!res.Breached)
	}
	t.ratings += f.Ratings
	t.ratingSum += f.RatingSum
	t.satisfied += f.Satisfied
}

// judged: the clock's target has been met (it stopped running) or has passed.
func judged(c domain.ClockStatus, now time.Time) bool {
	return !c.Running || now.After(c.Due)
}

func kpiRow(group string, fs []KPIFact, to, now time.Time) KPIRow {
	var t tally
	for _, f := range fs {
		t.add(f, to, now)
	}
	frAvg, frP50, frP90 := stats(t.firstResponse)
	resAvg, resP50, resP90 := stats(t.resolution)
	return KPIRow{
		Group: group, Received: t.received, Resolved: t.resolved,
		ResolutionRate:          ratio(t.resolved, t.received),
		FirstResponseSecondsAvg: frAvg, FirstResponseSecondsP50: frP50, FirstResponseSecondsP90: frP90,
		ResolutionSecondsAvg: resAvg, ResolutionSecondsP50: resP50, ResolutionSecondsP90: resP90,
		FCRRate:                 ratio(t.fcr, t.resolved),
		EscalationRate:          ratio(t.escalated, t.received),
		ReopenRate:              ratio(t.reopened, t.received),
		SLAFirstResponseMetRate: ratio(t.frMet, t.frJudged),
		SLAResolutionMetRate:    ratio(t.resMet, t.resJudged),
		CSATAvg:                 ratio(t.ratingSum, t.ratings),
		CSATSatisfiedRate:       ratio(t.satisfied, t.ratings),
		Rated:                   t.ratings, Backlog: t.backlog,
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// ratio is n/d rounded to 4 decimals, or nil when there is nothing to divide.
func ratio(n, d int) *float64 {
	if d == 0 {
		return nil
	}
	return round(float64(n) / float64(d))
}

func round(v float64) *float64 {
	r := math.Round(v*10000) / 10000
	return &r
}

// stats returns the mean and the 50th and 90th percentiles, interpolated linearly
// between the nearest ranks as PostgreSQL's percentile_cont does, so analysts' SQL on
// the read-model tables gives the same figures.
func stats(xs []float64) (avg, p50, p90 *float64) {
	if len(xs) == 0 {
		return nil, nil, nil
	}
	sort.Float64s(xs)
	sum := 0.0
	for _, x := range xs {
		sum += x
	}
	return round(sum / float64(len(xs))), round(percentile(xs, 0.5)), round(percentile(xs, 0.9))
}

func percentile(sorted []float64, p float64) float64 {
	rank := p * float64(len(sorted)-1)
	lo := int(math.Floor(rank))
	hi := int(math.Ceil(rank))
	return sorted[lo] + (sorted[hi]-sorted[lo])*(rank-float64(lo))
}
