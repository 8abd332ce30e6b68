package searchtest

import (
	"context"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/projections"
)

// testSimilar: the similar-ticket query of a backend finds tickets sharing any term,
// the one sharing the rarer, more numerous terms first; never by an internal note; each
// ticket once; none for no terms.
func testSimilar(t *testing.T, ix projections.SearchIndex) {
	defer ix.Close()
	si, ok := ix.(projections.SimilarIndex)
	if !ok {
		t.Fatal("the backend has no similar-ticket query")
	}
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	doc := func(ticket, msg, text string, internal bool) projections.SearchDocument {
		return projections.SearchDocument{TicketID: ticket, MessageID: msg, Kind: "customer", Internal: internal, Text: text, CreatedAt: at}
	}
	const (
		close1 = "00000000-0000-4000-8000-00000000000a"
		far    = "00000000-0000-4000-8000-00000000000b"
		note   = "00000000-0000-4000-8000-00000000000c"
		other  = "00000000-0000-4000-8000-00000000000d"
	)
	docs := []projections.SearchDocument{
		doc(close1, "m1", "发票抬头写错了，需要重新开具发票", false),
		doc(close1, "m2", "已为您重新开具发票", false),
		doc(far, "m3", "订单需要发票吗", false),
		doc(note, "m4", "内部：发票抬头核对", true),
		doc(other, "m5", "快递没有更新物流", false),
	}
	for i := range 30 { // common words, so that rare ones weigh more
		docs = append(docs, doc(other, "c"+string(rune('a'+i)), "订单 需要 帮助", false))
	}
	Apply(t, ix, []projections.SearchBatch{{Position: 1, Documents: docs}})
	if a, ok := ix.(interface{ Analyze(context.Context) error }); ok {
		if err := a.Analyze(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	hits, err := si.Similar(context.Background(), projections.SimilarQuery{Terms: projections.SimilarTerms("发票抬头开错了"), Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, h := range hits {
		got = append(got, h.TicketID)
	}
	if len(got) == 0 || got[0] != close1 {
		t.Fatalf("similar to 发票抬头开错了: %v, want %s first", got, close1)
	}
	seen := map[string]bool{}
	for _, id := range got {
		if id == note || seen[id] {
			t.Fatalf("similar: %v (a note's ticket, or a ticket twice)", got)
		}
		seen[id] = true
	}
	if hits, err := si.Similar(context.Background(), projections.SimilarQuery{Limit: 5}); err != nil || len(hits) != 0 {
		t.Fatalf("no terms: %v %v", hits, err)
	}
}
