package pgsearch_test

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/ticketengine/ticketengine/adapters/search/pgsearch"
	"github.com/ticketengine/ticketengine/projections"
	"github.com/ticketengine/ticketengine/projections/searchtest"
)

// TestTermStatisticsLiveEqualsRebuilt: the term statistics similar tickets weigh by
// (rm_search_terms, and the messages in the checkpoint row) are exactly a count over
// the rows, whether the index followed the live stream (a message edited, a message
// removed, a ticket removed on the way) or was rebuilt in large batches; and a reset
// empties them.
func TestTermStatisticsLiveEqualsRebuilt(t *testing.T) {
	ctx := context.Background()
	live, rebuilt := fresh(t), fresh(t)
	searchtest.Apply(t, open(t, live), searchtest.Stream(searchtest.Size))
	searchtest.Apply(t, open(t, rebuilt), searchtest.Final(searchtest.Size, 700))
	stats := func(dsn string, filled bool) map[string]int {
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		var wrong, total, kept int
		err = conn.QueryRow(ctx, `SELECT
			(SELECT count(*) FROM (SELECT t, count(*) AS n FROM rm_search_documents, unnest(terms) AS t GROUP BY t) r
				FULL JOIN rm_search_terms s ON s.term = r.t WHERE r.n IS DISTINCT FROM s.messages),
			(SELECT count(*) FROM rm_search_documents), coalesce((SELECT messages FROM rm_search_checkpoint), 0)`).Scan(&wrong, &total, &kept)
		if err != nil {
			t.Fatal(err)
		}
		if wrong > 0 || total != kept || filled != (total >= 2*searchtest.Size) {
			t.Errorf("%d terms counted wrong; %d messages, %d in the checkpoint", wrong, total, kept)
		}
		rows, err := conn.Query(ctx, `SELECT term, messages FROM rm_search_terms`)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]int{}
		for rows.Next() {
			var term string
			var n int
			if err := rows.Scan(&term, &n); err != nil {
				t.Fatal(err)
			}
			out[term] = n
		}
		return out
	}
	a, b := stats(live, true), stats(rebuilt, true)
	if len(a) != len(b) || len(a) < 100 {
		t.Fatalf("live: %d terms, rebuilt: %d", len(a), len(b))
	}
	for term, n := range a {
		if b[term] != n {
			t.Errorf("%q: %d messages live, %d rebuilt", term, n, b[term])
		}
	}
	if a["退钱"] != 1 { // the removed message's and the removed ticket's are gone
		t.Errorf("退钱: %d messages, want 1 (ticket 108)", a["退钱"])
	}
	if err := open(t, live).Reset(ctx); err != nil {
		t.Fatal(err)
	}
	if n := len(stats(live, false)); n != 0 {
		t.Errorf("after a reset: %d terms", n)
	}
}

// TestSimilarReadsBoundedCandidates: with bounds small enough for the 1,000-ticket
// corpus, a text whose every term is common reads at most "enough" rows (the first
// conjunction of its rarest terms fills it, so nothing else is read), a text with rare
// terms reads their messages whole and finds the ticket holding them first, with others
// after it (read through the next terms, capped); no plan scans the table: the GIN
// index of the terms answers every tier.
func TestSimilarReadsBoundedCandidates(t *testing.T) {
	ctx := context.Background()
	dsn := fresh(t)
	ix := open(t, dsn)
	searchtest.Apply(t, ix, searchtest.Final(searchtest.Size, 500))
	const budget, enough = 40, 15
	pgsearch.SetCandidateBounds(ix, budget, enough)
	for _, c := range []struct {
		text    string
		first   string // the ticket expected first, "" for any
		maxRows int64
	}{
		{"我的订单还没有收到，请帮忙查一下。", "", enough},
		{"The app crashes when I open the settings page.", "", enough},
		{"订单问题", "", enough},
		{"上个月的发票抬头写错了，请帮我重开。", searchtest.TicketID(7), budget + int64(2+pgsearch.NextTerms())*enough},
		{"I forgot my password, please reset it.", searchtest.TicketID(900), budget + int64(2+pgsearch.NextTerms())*enough},
	} {
		q := projections.SimilarQuery{Terms: projections.SimilarTerms(c.text), Limit: 10}
		cost, err := ix.ExplainSimilar(ctx, q, true)
		if err != nil {
			t.Fatal(err)
		}
		plan := strings.Join(cost.Plans, "\n")
		t.Logf("%q: %d rows, %d buffers", c.text, cost.Rows, cost.Buffers)
		if cost.Rows == 0 || cost.Rows > c.maxRows {
			t.Errorf("%q: %d rows read, want 1 to %d:\n%s", c.text, cost.Rows, c.maxRows, plan)
		}
		if strings.Contains(plan, "Seq Scan") || !strings.Contains(plan, "rm_search_documents_terms") {
			t.Errorf("%q: the plan does not read through the terms index:\n%s", c.text, plan)
		}
		hits, err := ix.Similar(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) < 5 || (c.first != "" && hits[0].TicketID != c.first) {
			t.Errorf("%q: hits %v, want at least 5, %q first", c.text, hits, c.first)
		}
	}
}
