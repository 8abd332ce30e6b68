package postgres

import (
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/ticketengine/ticketengine/projections"
)

// kpiColumns derives the analysts' columns of rm_kpi_tickets from the facts, with the
// same methods the report uses, so SQL on the table and GET /reports/kpi agree.
func kpiColumns(fs []projections.KPIFact) columns {
	n := len(fs)
	id, ver, recv, day := make([]uuid.UUID, n), make([]int64, n), make([]time.Time, n), make([]time.Time, n)
	ch, tier, cat, team := make([]string, n), make([]string, n), make([]pgtype.Text, n), make([]string, n)
	agent, aname, prio, status, resolved := make([]pgtype.UUID, n), make([]pgtype.Text, n), make([]string, n), make([]string, n), make([]bool, n)
	frAt, frDue, frBr := make([]pgtype.Timestamptz, n), make([]pgtype.Timestamptz, n), make([]bool, n)
	lastRes, resDue, resBr, waitingSince := make([]pgtype.Timestamptz, n), make([]pgtype.Timestamptz, n), make([]bool, n), make([]pgtype.Timestamptz, n)
	waited, frSecs, resSecs := make([]float64, n), make([]pgtype.Float8, n), make([]pgtype.Float8, n)
	replies, resolutions, esc, reopened, fcr := make([]int32, n), make([]int32, n), make([]bool, n), make([]bool, n), make([]bool, n)
	ratings, ratingSum, satisfied, closed, fact := make([]int32, n), make([]int32, n), make([]int32, n), make([]string, n), make([]string, n)
	closedValues := make([]pgtype.Multirange[pgtype.Range[pgtype.Timestamptz]], n)
	for i, f := range fs {
		s := f.State
		id[i], ver[i], recv[i] = s.ID, s.Version, s.CreatedAt
		day[i] = time.Date(s.CreatedAt.UTC().Year(), s.CreatedAt.UTC().Month(), s.CreatedAt.UTC().Day(), 0, 0, 0, 0, time.UTC)
		ch[i], tier[i], cat[i], team[i] = string(s.Channel), string(s.Customer.Tier), textOrNull(s.Category), s.Team
		agent[i], aname[i], prio[i], status[i], resolved[i] = uuidOrNull(s.Assignee), textOrNull(s.AssigneeName), string(s.Priority), string(s.Status), f.ResolvedNow()
		frAt[i], frDue[i], frBr[i] = tsz(s.FirstRespondedAt), tsz(s.SLA.FirstResponseDue), s.FirstResponseBreached
		lastRes[i], resDue[i], resBr[i], waitingSince[i] = tsz(f.LastResolvedAt), tsz(s.SLA.ResolutionDue), s.ResolutionBreached, tsz(s.WaitingSince)
		waited[i] = f.Waited.Seconds()
		if d, ok := f.FirstResponseTime(); ok {
			frSecs[i] = pgtype.Float8{Float64: d.Seconds(), Valid: true}
		}
		if d, ok := f.ResolutionTime(); ok {
			resSecs[i] = pgtype.Float8{Float64: d.Seconds(), Valid: true}
		}
		replies[i], resolutions[i], esc[i], reopened[i], fcr[i] = int32(s.PublicReplies), int32(s.Resolutions), s.Escalated, s.Reopened, f.FirstContactResolution()
		ratings[i], ratingSum[i], satisfied[i] = int32(f.Ratings), int32(f.RatingSum), int32(f.Satisfied)
		closed[i], closedValues[i], fact[i] = multirange(f.Closed), multirangeValue(f.Closed), mustJSON(f)
	}
	c := columns{rows: n}
	c.add("ticket_id", "uuid", "", id)
	c.add("version", "bigint", "", ver)
	c.add("received_at", "timestamptz", "", recv)
	c.add("received_day", "date", "", day)
	c.add("channel", "text", "", ch)
	c.add("tier", "text", "", tier)
	c.add("category", "text", "", cat)
	c.add("team", "text", "", team)
	c.add("agent_id", "uuid", "", agent)
	c.add("agent_name", "text", "", aname)
	c.add("priority", "text", "", prio)
	c.add("status", "text", "", status)
	c.add("is_resolved", "boolean", "", resolved)
	c.add("first_response_at", "timestamptz", "", frAt)
	c.add("first_response_due", "timestamptz", "", frDue)
	c.add("first_response_breached", "boolean", "", frBr)
	c.add("last_resolved_at", "timestamptz", "", lastRes)
	c.add("resolution_due", "timestamptz", "", resDue)
	c.add("resolution_breached", "boolean", "", resBr)
	c.add("waiting_since", "timestamptz", "", waitingSince)
	c.add("waiting_seconds", "double precision", "", waited)
	c.add("first_response_seconds", "double precision", "", frSecs)
	c.add("resolution_seconds", "double precision", "", resSecs)
	c.add("public_replies", "integer", "", replies)
	c.add("resolutions", "integer", "", resolutions)
	c.add("escalated", "boolean", "", esc)
	c.add("reopened", "boolean", "", reopened)
	c.add("fcr", "boolean", "", fcr)
	c.add("ratings", "integer", "", ratings)
	c.add("rating_sum", "integer", "", ratingSum)
	c.add("ratings_satisfied", "integer", "", satisfied)
	c.add("closed_periods", "text", "tstzmultirange", closed)
	c.copyVals = map[int]any{len(c.names) - 1: closedValues}
	c.add("fact", "text", "json", fact)
	return c
}
