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
var GroupBys = []string{"agent", "team", "category", "channel", "tier", "day", "priority", "tag"}

// KPIQuery is what GET /reports/kpi asks: the tickets received in [From, To), grouped by
// GroupBy, and only those carrying Tag (a normalised tag) when it is set.
type KPIQuery struct {
	From, To time.Time
	GroupBy  string
	Tag      string
	// Time is the time base of the durations: KPITimeCalendar (also when empty) or
	// KPITimeBusiness (kpi_business.go).
	Time string
}

// KPIRow is one row of the KPI report: the KPIs of API.md for one group of tickets
// received in [from, to). A value without any ticket to measure is null.
type KPIRow struct {
	Group string `json:"group"`
	// Name is the agent's name on rows of group_by=agent ("" for unassigned); absent on others.
	Name                    *string  `json:"name,omitempty"`
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
	// NPS is the percent of NPS answers of 9 or 10 minus the percent of 0 to 6, among
	// the ratings that carried one (NPSResponses), to 2 decimals.
	NPS          *float64 `json:"nps"`
	NPSResponses int      `json:"nps_responses"`
	// Deflections and SelfServiceRate are on rows of group_by=day and category only
	// (deflections.go): articles read in the help center with no ticket opened after,
	// and deflections / (deflections + received).
	Deflections     *int     `json:"deflections,omitempty"`
	SelfServiceRate *float64 `json:"self_service_rate,omitempty"`
}

// GroupsOf are the groups a ticket falls in: under group_by=tag one per tag it carries
// ("" when it has none), under the others the one GroupOf names.
func GroupsOf(f KPIFact, groupBy string) ([]string, error) {
	if groupBy == "tag" {
		if tags := f.State.Tags.List(); tags != nil {
			return tags, nil
		}
		return []string{""}, nil
	}
	g, err := GroupOf(f, groupBy)
	return []string{g}, err
}

// GroupOf is the group a ticket falls in: the current assignee's id ("unassigned"), the
// current team, the category ("uncategorized"), the channel, the customer's tier, the
// UTC day it was received (YYYY-MM-DD), or the current priority. A ticket falls in
// several groups of group_by=tag (GroupsOf); GroupOf names its first.
func GroupOf(f KPIFact, groupBy string) (string, error) {
	s := f.State
	switch groupBy {
	case "priority":
		return string(s.Priority), nil
	case "tag":
		if tags := s.Tags.List(); tags != nil {
			return tags[0], nil
		}
		return "", nil
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
	return "", fmt.Errorf("%w: group_by must be one of agent, team, category, channel, tier, day, priority, tag", domain.ErrInvalid)
}

// Report computes the KPI rows of the tickets received in [q.From, q.To) (carrying
// q.Tag, when set), one per group, ordered by group. SLA clocks are judged as they
// stand at `now`; the backlog at q.To.
func Report(facts []KPIFact, q KPIQuery, now time.Time) ([]KPIRow, error) {
	if _, err := GroupOf(KPIFact{}, q.GroupBy); err != nil {
		return nil, err
	}
	base, err := ParseKPITime(q.Time)
	if err != nil {
		return nil, err
	}
	groups := map[string][]KPIFact{}
	for _, f := range facts {
		if f.State.CreatedAt.Before(q.From) || !f.State.CreatedAt.Before(q.To) || (q.Tag != "" && !f.State.Tags.Has(q.Tag)) {
			continue
		}
		gs, err := GroupsOf(f, q.GroupBy)
		if err != nil {
			return nil, err
		}
		for _, g := range gs {
			groups[g] = append(groups[g], f)
		}
	}
	rows := make([]KPIRow, 0, len(groups))
	for g, fs := range groups {
		row := kpiRow(g, fs, q.To, now, base)
		if q.GroupBy == "agent" {
			name := agentName(fs)
			row.Name = &name
		}
		rows = append(rows, row)
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].Group < rows[j].Group })
	return rows, nil
}

// agentName is the name the group's agent had when last given a ticket of the group
// ("" for the unassigned): the facts know no later rename, Service.KPI puts the
// agents' current names over it.
func agentName(fs []KPIFact) string {
	name, at := "", time.Time{}
	for _, f := range fs {
		if f.State.AssigneeName != "" && !f.State.UpdatedAt.Before(at) {
			name, at = f.State.AssigneeName, f.State.UpdatedAt
		}
	}
	return name
}

// tally counts the numerators and denominators of one group.
type tally struct {
	received, resolved, fcr, escalated, reopened, backlog int
	frMet, frJudged, resMet, resJudged                    int
	ratings, ratingSum, satisfied                         int
	npsResponses, promoters, detractors                   int
	firstResponse, resolution                             []float64
}

func (t *tally) add(f KPIFact, to, now time.Time, base string) {
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
	if d, ok := f.FirstResponseTimeIn(base); ok {
		t.firstResponse = append(t.firstResponse, d.Seconds())
	}
	if d, ok := f.ResolutionTimeIn(base); ok {
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
	t.npsResponses += f.NPSResponses
	t.promoters += f.NPSPromoters
	t.detractors += f.NPSDetractors
}

// nps is the percent of promoters minus the percent of detractors, to 2 decimals; nil
// without answers.
func (t *tally) nps() *float64 {
	if t.npsResponses == 0 {
		return nil
	}
	v := math.Round(float64(t.promoters-t.detractors)*10000/float64(t.npsResponses)) / 100
	return &v
}

// judged: the clock's target has been met (it stopped running) or has passed.
func judged(c domain.ClockStatus, now time.Time) bool {
	return !c.Running || now.After(c.Due)
}

func kpiRow(group string, fs []KPIFact, to, now time.Time, base string) KPIRow {
	var t tally
	for _, f := range fs {
		t.add(f, to, now, base)
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
		NPS: t.nps(), NPSResponses: t.npsResponses,
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
