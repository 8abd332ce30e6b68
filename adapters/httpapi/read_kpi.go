package httpapi

import (
	"encoding/csv"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections"
)

// DefaultKPIWindow is the report's window when from is not given: the 30 days before to.
const DefaultKPIWindow = 30 * 24 * time.Hour

// getKPI is GET /reports/kpi?from=&to=&group_by=&time=: JSON {"rows":[…]}, or CSV with
// Accept: text/csv. to defaults to now, from to 30 days before to, group_by to day, time
// (the durations' time base: calendar or business) to calendar.
func (s *Server) getKPI(w http.ResponseWriter, r *http.Request) {
	to, err := timeParam(r, "to", s.Clock.Now())
	var from time.Time
	if err == nil {
		from, err = timeParam(r, "from", to.Add(-DefaultKPIWindow))
	}
	if err == nil && !from.Before(to) {
		err = fieldError("from", "must be before to")
	}
	groupBy := r.URL.Query().Get("group_by")
	if groupBy == "" {
		groupBy = "day"
	}
	var tag string
	if err == nil {
		tag, err = tagParam(r)
	}
	var base string
	if err == nil {
		base, err = kpiTimeParam(r)
	}
	var rows []projections.KPIRow
	q := projections.KPIQuery{From: from, To: to, GroupBy: groupBy, Tag: tag, Time: base}
	if err == nil {
		rows, err = s.ReadSide.KPI(r.Context(), q)
	}
	if err == nil {
		rows, err = s.withDeflections(r, q, rows)
	}
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	if wantsCSV(r) {
		writeKPICSV(w, groupBy, rows)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"rows": rows})
}

// wantsCSV: the Accept header prefers text/csv (to anything else it names).
func wantsCSV(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		mt, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err == nil && mt == "text/csv" {
			return true
		}
		if err == nil && (mt == "application/json" || mt == "*/*") {
			return false
		}
	}
	return false
}

// kpiColumns are the CSV columns, named as the JSON fields.
var kpiColumns = []string{"group", "received", "resolved", "resolution_rate",
	"first_response_seconds_avg", "first_response_seconds_p50", "first_response_seconds_p90",
	"resolution_seconds_avg", "resolution_seconds_p50", "resolution_seconds_p90",
	"fcr_rate", "escalation_rate", "reopen_rate", "sla_first_response_met_rate", "sla_resolution_met_rate",
	"csat_avg", "csat_satisfied_rate", "rated", "backlog", "nps", "nps_responses", "name"}

// writeKPICSV writes one header row and a row per group; a null is an empty cell.
func writeKPICSV(w http.ResponseWriter, groupBy string, rows []projections.KPIRow) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="kpi-by-`+groupBy+`.csv"`)
	w.WriteHeader(http.StatusOK)
	c := csv.NewWriter(w)
	_ = c.Write(kpiColumns)
	for _, k := range rows {
		f := func(v *float64) string {
			if v == nil {
				return ""
			}
			return strconv.FormatFloat(*v, 'f', -1, 64)
		}
		_ = c.Write([]string{k.Group, strconv.Itoa(k.Received), strconv.Itoa(k.Resolved), f(k.ResolutionRate),
			f(k.FirstResponseSecondsAvg), f(k.FirstResponseSecondsP50), f(k.FirstResponseSecondsP90),
			f(k.ResolutionSecondsAvg), f(k.ResolutionSecondsP50), f(k.ResolutionSecondsP90),
			f(k.FCRRate), f(k.EscalationRate), f(k.ReopenRate), f(k.SLAFirstResponseMetRate), f(k.SLAResolutionMetRate),
			f(k.CSATAvg), f(k.CSATSatisfiedRate), strconv.Itoa(k.Rated), strconv.Itoa(k.Backlog),
			f(k.NPS), strconv.Itoa(k.NPSResponses), deref(k.Name)})
	}
	c.Flush()
}

// deref is *p, "" for nil.
func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// tagParam reads a ?tag= filter, normalised by the tag rule ("" when absent); one the
// rule refuses can match no ticket, so it is a 422.
func tagParam(r *http.Request) (string, error) {
	raw := r.URL.Query().Get("tag")
	if raw == "" {
		return "", nil
	}
	tag, ok := domain.NormalizeTag(raw)
	if !ok {
		return "", fieldError("tag", fmt.Sprintf("must be a tag of 1 to %d characters", domain.MaxTagLength))
	}
	return tag, nil
}

// kpiTimeParam reads ?time= (calendar, the default, or business); another value is a 400.
func kpiTimeParam(r *http.Request) (string, error) {
	base, err := projections.ParseKPITime(r.URL.Query().Get("time"))
	if err != nil {
		return "", fmt.Errorf("%w: time must be calendar or business", errMalformed)
	}
	return base, nil
}
