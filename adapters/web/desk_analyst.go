package web

import (
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/ticketengine/ticketengine/projections"
)

// The analyst's KPI dashboard: GET /desk/analyst?from=&to=&group_by=&time= shows the
// report's table for the grouping chosen and, whatever the grouping, charts of the report
// by day; GET /desk/analyst/kpi.csv is the same table as CSV (the API's columns). time is
// the durations' time base as GET /reports/kpi?time= takes it: calendar (the default) or
// business (working hours under each ticket's calendar, docs/SLA-CLOCKS.md).

// kpiWindow is the default period: the 30 days up to the end of today (UTC).
const kpiWindow = 30 * 24 * time.Hour

// kpiGroups are the groupings the form offers (GET /reports/kpi's group_by).
var kpiGroups = []string{"day", "agent", "team", "category", "channel", "tier", "priority", "tag"}

// kpiTimes are the time bases the form offers (GET /reports/kpi's time).
var kpiTimes = []string{projections.KPITimeCalendar, projections.KPITimeBusiness}

// kpiForm is the dashboard's query: from and to as the API takes them (RFC 3339) or as
// a date input gives them (2006-01-02, UTC midnight); Time is the durations' time base.
type kpiForm struct {
	From, To time.Time
	GroupBy  string
	Time     string
}

// query is the form as the application's KPI report takes it (the API's call).
func (f kpiForm) query(groupBy string) projections.KPIQuery {
	return projections.KPIQuery{From: f.From, To: f.To, GroupBy: groupBy, Time: f.Time}
}

func (s *Server) readKPIForm(r *http.Request) (kpiForm, error) {
	now := time.Now().UTC()
	f := kpiForm{To: now.Truncate(24 * time.Hour).Add(24 * time.Hour), GroupBy: queryValue(r, "group_by")}
	if f.GroupBy == "" {
		f.GroupBy = "day"
	}
	var err error
	if f.To, err = dayOrTime(queryValue(r, "to"), f.To); err != nil {
		return f, invalid("to", "must be a date or an RFC 3339 time")
	}
	if f.From, err = dayOrTime(queryValue(r, "from"), f.To.Add(-kpiWindow)); err != nil {
		return f, invalid("from", "must be a date or an RFC 3339 time")
	}
	if !f.From.Before(f.To) {
		return f, invalid("from", "must be before to")
	}
	if f.Time, err = projections.ParseKPITime(queryValue(r, "time")); err != nil {
		f.Time = projections.KPITimeCalendar
		return f, invalid("time", "must be calendar or business")
	}
	return f, nil
}

func dayOrTime(v string, def time.Time) (time.Time, error) {
	if v == "" {
		return def, nil
	}
	if d, err := time.Parse(time.DateOnly, v); err == nil {
		return d, nil
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	return t.UTC(), err
}

// chart is one chart's data, for desk_analyst.js (a data-chart attribute).
type chart struct {
	ID     string        `json:"-"`
	Title  string        `json:"title"`
	X      []string      `json:"x"`
	Series []chartSeries `json:"series"`
}

type chartSeries struct {
	Name string     `json:"name"`
	Data []*float64 `json:"data"`
}

// JSON is the chart as the attribute carries it.
func (c chart) JSON() string {
	b, _ := json.Marshal(c)
	return string(b)
}

// dashboard is GET /desk/analyst.
func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) {
	f, err := s.readKPIForm(r)
	status := http.StatusOK
	data := map[string]any{"Groups": kpiGroups, "Times": kpiTimes, "Form": f,
		"From": f.From.Format(time.DateOnly), "To": f.To.Format(time.DateOnly)}
	if err != nil {
		status = http.StatusUnprocessableEntity
		data["Errors"] = fieldMessages(err)
	} else {
		rows, err := s.ManagerReads.KPI(r.Context(), f.query(f.GroupBy))
		if err != nil {
			s.failWith(w, r, err)
			return
		}
		days := rows
		if f.GroupBy != "day" {
			if days, err = s.ManagerReads.KPI(r.Context(), f.query("day")); err != nil {
				s.failWith(w, r, err)
				return
			}
		}
		data["Rows"] = rows
		data["Charts"] = s.charts(chooseLanguage(r), days, f.Time)
		data["CSV"] = "/desk/analyst/kpi.csv?" + r.URL.Query().Encode()
	}
	s.renderDesk(w, r, status, "desk_analyst", "kpi.title", data)
}

// charts are the dashboard's charts by day: volume, first response, resolution time
// (in the time base: their titles say business time), SLA met, CSAT and NPS.
func (s *Server) charts(lang string, days []projections.KPIRow, base string) []chart {
	m := s.cats[lang]
	durations := ""
	if base == projections.KPITimeBusiness {
		durations = "_business"
	}
	x := make([]string, len(days))
	for i, d := range days {
		x[i] = d.Group
	}
	col := func(key string, get func(projections.KPIRow) *float64) chartSeries {
		out := make([]*float64, len(days))
		for i, d := range days {
			out[i] = get(d)
		}
		return chartSeries{Name: m[key], Data: out}
	}
	num := func(n int) *float64 { f := float64(n); return &f }
	return []chart{
		{ID: "volume", Title: m["kpi.chart.volume"], X: x, Series: []chartSeries{
			col("kpi.received", func(k projections.KPIRow) *float64 { return num(k.Received) }),
			col("kpi.resolved", func(k projections.KPIRow) *float64 { return num(k.Resolved) })}},
		{ID: "first-response", Title: m["kpi.chart.first_response"+durations], X: x, Series: []chartSeries{
			col("kpi.avg", func(k projections.KPIRow) *float64 { return k.FirstResponseSecondsAvg }),
			col("kpi.p90", func(k projections.KPIRow) *float64 { return k.FirstResponseSecondsP90 })}},
		{ID: "resolution", Title: m["kpi.chart.resolution"+durations], X: x, Series: []chartSeries{
			col("kpi.avg", func(k projections.KPIRow) *float64 { return k.ResolutionSecondsAvg }),
			col("kpi.p90", func(k projections.KPIRow) *float64 { return k.ResolutionSecondsP90 })}},
		{ID: "sla", Title: m["kpi.chart.sla"], X: x, Series: []chartSeries{
			col("kpi.sla_first_response", func(k projections.KPIRow) *float64 { return k.SLAFirstResponseMetRate }),
			col("kpi.sla_resolution", func(k projections.KPIRow) *float64 { return k.SLAResolutionMetRate })}},
		{ID: "csat", Title: m["kpi.chart.csat"], X: x, Series: []chartSeries{
			col("kpi.csat_avg", func(k projections.KPIRow) *float64 { return k.CSATAvg })}},
		{ID: "nps", Title: m["kpi.chart.nps"], X: x, Series: []chartSeries{
			col("kpi.nps", func(k projections.KPIRow) *float64 { return k.NPS })}},
	}
}

// kpiColumns are the CSV's columns, named as the API's JSON fields (GET /reports/kpi).
var kpiColumns = []string{"group", "received", "resolved", "resolution_rate",
	"first_response_seconds_avg", "first_response_seconds_p50", "first_response_seconds_p90",
	"resolution_seconds_avg", "resolution_seconds_p50", "resolution_seconds_p90",
	"fcr_rate", "escalation_rate", "reopen_rate", "sla_first_response_met_rate", "sla_resolution_met_rate",
	"csat_avg", "csat_satisfied_rate", "rated", "backlog", "nps", "nps_responses", "name"}

// kpiCSV is GET /desk/analyst/kpi.csv?from=&to=&group_by=&time=: the report as
// GET /reports/kpi with Accept: text/csv gives it.
func (s *Server) kpiCSV(w http.ResponseWriter, r *http.Request) {
	f, err := s.readKPIForm(r)
	var rows []projections.KPIRow
	if err == nil {
		rows, err = s.ManagerReads.KPI(r.Context(), f.query(f.GroupBy))
	}
	if err != nil {
		s.failWith(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	name := "kpi-by-" + f.GroupBy
	if f.Time == projections.KPITimeBusiness {
		name += "-business-time"
	}
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	c := csv.NewWriter(w)
	_ = c.Write(kpiColumns)
	for _, k := range rows {
		_ = c.Write(kpiRecord(k))
	}
	c.Flush()
}

// kpiRecord is a row's cells; a null is an empty cell.
func kpiRecord(k projections.KPIRow) []string {
	f := func(v *float64) string {
		if v == nil {
			return ""
		}
		return strconv.FormatFloat(*v, 'f', -1, 64)
	}
	name := ""
	if k.Name != nil {
		name = *k.Name
	}
	return []string{k.Group, strconv.Itoa(k.Received), strconv.Itoa(k.Resolved), f(k.ResolutionRate),
		f(k.FirstResponseSecondsAvg), f(k.FirstResponseSecondsP50), f(k.FirstResponseSecondsP90),
		f(k.ResolutionSecondsAvg), f(k.ResolutionSecondsP50), f(k.ResolutionSecondsP90),
		f(k.FCRRate), f(k.EscalationRate), f(k.ReopenRate), f(k.SLAFirstResponseMetRate), f(k.SLAResolutionMetRate),
		f(k.CSATAvg), f(k.CSATSatisfiedRate), strconv.Itoa(k.Rated), strconv.Itoa(k.Backlog),
		f(k.NPS), strconv.Itoa(k.NPSResponses), name}
}

// The dashboard's table formats: num a measure to one decimal, pct a rate as a percent;
// a null (nothing to measure) is a dash.
func init() {
	funcs["num"] = func(v *float64) string {
		if v == nil {
			return "–"
		}
		return strconv.FormatFloat(*v, 'f', 1, 64)
	}
	funcs["pct"] = func(v *float64) string {
		if v == nil {
			return "–"
		}
		return strconv.FormatFloat(*v*100, 'f', 1, 64) + "%"
	}
}
