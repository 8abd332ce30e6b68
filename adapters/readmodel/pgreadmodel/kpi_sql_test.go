package pgreadmodel_test

import (
	"context"
	"math"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/adapters/eventstore/memstore"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/ticketengine/ticketengine/projections"
	"github.com/ticketengine/ticketengine/projections/readmodeltest"
)

// documentedKPIQuery is the KPI query of docs/READMODELS.md, as analysts will copy it.
func documentedKPIQuery(t *testing.T) string {
	b, err := os.ReadFile("../../../docs/READMODELS.md")
	if err != nil {
		t.Fatal(err)
	}
	_, after, ok := strings.Cut(string(b), "<!-- kpi-query -->\n```sql\n")
	q, _, ok2 := strings.Cut(after, "```")
	if !ok || !ok2 {
		t.Fatal("docs/READMODELS.md has no KPI query block")
	}
	return q
}

var groupExpr = map[string]string{
	"team": "team", "agent": "COALESCE(agent_id::text, 'unassigned')", "category": "COALESCE(category, 'uncategorized')",
	"channel": "channel", "tier": "tier", "day": "to_char(received_day, 'YYYY-MM-DD')", "priority": "priority",
	"tag": "unnest(CASE WHEN cardinality(tags) = 0 THEN ARRAY[''] ELSE tags END)",
}

// TestDocumentedKPIQuery: the SQL the analysts' documentation gives computes, on the
// real tables of a randomized history, the same KPIs as GET /reports/kpi, for every
// grouping and two windows.
func TestDocumentedKPIQuery(t *testing.T) {
	ctx := context.Background()
	w := readmodeltest.Random(t, memstore.New(), 5, 200, 3000)
	store, pool := newStore(t)
	e, err := projections.NewEngine(ctx, store)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.CatchUp(ctx, w.Events); err != nil {
		t.Fatal(err)
	}
	query := documentedKPIQuery(t)
	now := w.Clock.Now()
	for _, win := range [][2]time.Time{{readmodeltest.Epoch, readmodeltest.Epoch.Add(10 * time.Hour)}, {readmodeltest.Epoch, now.Add(time.Hour)}} {
		facts, err := store.KPIFacts(ctx, win[0], win[1])
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range projections.GroupBys {
			want, err := projections.Report(facts, projections.KPIQuery{From: win[0], To: win[1], GroupBy: g}, now)
			if err != nil {
				t.Fatal(err)
			}
			q := strings.Replace(query, "SELECT team AS grp", "SELECT "+groupExpr[g]+" AS grp", 1)
			got := runKPIQuery(t, pool, q, win[0], win[1], now)
			compareRows(t, g, got, want)
		}
	}
}

func runKPIQuery(t *testing.T, pool interface {
	Query(context.Context, string, ...any) (pgx.Rows, error)
}, q string, from, to, now time.Time) []map[string]any {
	rows, err := pool.Query(context.Background(), q, from, to, now)
	if err != nil {
		t.Fatalf("the documented query fails: %v", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToMap)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func compareRows(t *testing.T, groupBy string, got []map[string]any, want []projections.KPIRow) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("group_by=%s: SQL gives %d rows, the report %d", groupBy, len(got), len(want))
	}
	for i, w := range want {
		g := got[i]
		ints := map[string]int{"received": w.Received, "resolved": w.Resolved, "rated": w.Rated, "backlog": w.Backlog, "nps_responses": w.NPSResponses}
		floats := map[string]*float64{"resolution_rate": w.ResolutionRate,
			"first_response_seconds_avg": w.FirstResponseSecondsAvg, "first_response_seconds_p50": w.FirstResponseSecondsP50, "first_response_seconds_p90": w.FirstResponseSecondsP90,
			"resolution_seconds_avg": w.ResolutionSecondsAvg, "resolution_seconds_p50": w.ResolutionSecondsP50, "resolution_seconds_p90": w.ResolutionSecondsP90,
			"fcr_rate": w.FCRRate, "escalation_rate": w.EscalationRate, "reopen_rate": w.ReopenRate,
			"sla_first_response_met_rate": w.SLAFirstResponseMetRate, "sla_resolution_met_rate": w.SLAResolutionMetRate,
			"csat_avg": w.CSATAvg, "csat_satisfied_rate": w.CSATSatisfiedRate, "nps": w.NPS}
		if g["group"] != w.Group {
			t.Fatalf("group_by=%s row %d: SQL group %v, report %q", groupBy, i, g["group"], w.Group)
		}
		for k, v := range ints {
			if n, ok := number(g[k]); !ok || int(n) != v {
				t.Errorf("group_by=%s %s %s: SQL %v, report %d", groupBy, w.Group, k, g[k], v)
			}
		}
		for k, v := range floats {
			n, ok := number(g[k])
			if ok != (v != nil) || (ok && math.Abs(n-*v) > 0.00011) {
				t.Errorf("group_by=%s %s %s: SQL %v, report %v", groupBy, w.Group, k, g[k], deref(v))
			}
		}
	}
}

// number reads a numeric, bigint or float column; false for NULL.
func number(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case float64:
		return x, true
	case interface{ Float64Value() (pgtypeFloat8, error) }:
		f, err := x.Float64Value()
		return f.Float64, err == nil && f.Valid
	}
	return 0, false
}

func deref(v *float64) any {
	if v == nil {
		return nil
	}
	return *v
}

type pgtypeFloat8 = pgtype.Float8
