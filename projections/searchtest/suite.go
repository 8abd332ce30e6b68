package searchtest

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/ticketengine/ticketengine/projections"
)

// Size is the number of tickets of the suite's corpus; the hand-written hits are those
// of a corpus of this size.
const Size = 1000

// Opener opens the index of one place (a directory, a schema); opening it again after
// Close finds what was committed there.
type Opener func(t *testing.T) projections.SearchIndex

// Run runs the conformance suite. fresh returns the opener of a new, empty place; the
// suite closes what it opens.
func Run(t *testing.T, fresh func(t *testing.T) Opener) {
	t.Run("HandWrittenHits", func(t *testing.T) { testHandWritten(t, fresh(t)(t)) })
	t.Run("LiveEqualsRebuilt", func(t *testing.T) { testLiveEqualsRebuilt(t, fresh) })
	t.Run("RestartKeepsCheckpoint", func(t *testing.T) { testRestart(t, fresh(t)) })
	t.Run("ResetEmpties", func(t *testing.T) { testReset(t, fresh(t)(t)) })
	t.Run("Limit", func(t *testing.T) { testLimit(t, fresh(t)(t)) })
	t.Run("Similar", func(t *testing.T) { testSimilar(t, fresh(t)(t)) })
}

// Apply applies batches in order.
func Apply(t testing.TB, ix projections.SearchIndex, batches []projections.SearchBatch) {
	t.Helper()
	for _, b := range batches {
		if err := ix.Apply(context.Background(), b); err != nil {
			t.Fatalf("apply batch at %d: %v", b.Position, err)
		}
	}
}

// Hits returns the tickets ix finds for q, sorted, with every hit's snippet checked.
func Hits(t testing.TB, ix projections.SearchIndex, q Query) []string {
	t.Helper()
	hits, err := ix.Search(context.Background(), projections.SearchQuery{Text: q.Text, IncludeInternal: q.Internal, Limit: 10 * Size})
	if err != nil {
		t.Fatalf("search %q: %v", q.Text, err)
	}
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.TicketID
		if !strings.Contains(h.Snippet, "<mark>") {
			t.Errorf("search %q: hit %s has no highlight: %q", q.Text, h.TicketID, h.Snippet)
		}
		if i > 0 && h.Score > hits[i-1].Score {
			t.Errorf("search %q: hit %d scores %v above hit %d's %v", q.Text, i, h.Score, i-1, hits[i-1].Score)
		}
	}
	slices.Sort(ids)
	if len(slices.Compact(slices.Clone(ids))) != len(ids) {
		t.Errorf("search %q: a ticket found twice: %v", q.Text, ids)
	}
	return ids
}

// Want is q's hand-written hits as sorted ticket ids.
func Want(q Query) []string {
	out := make([]string, 0, len(q.Want))
	for _, i := range q.Want {
		out = append(out, TicketID(i))
	}
	slices.Sort(out)
	return out
}

func checkQueries(t *testing.T, ix projections.SearchIndex) {
	t.Helper()
	for _, q := range Queries {
		if got, want := Hits(t, ix, q), Want(q); !slices.Equal(got, want) {
			t.Errorf("search %q (internal %v) = %v, want %v", q.Text, q.Internal, got, want)
		}
	}
}

func testHandWritten(t *testing.T, ix projections.SearchIndex) {
	defer ix.Close()
	Apply(t, ix, Final(Size, 400))
	checkQueries(t, ix)
	hits, err := ix.Search(context.Background(), projections.SearchQuery{Text: "发票抬头"})
	if err != nil || len(hits) != 1 || hits[0].Snippet != "上个月的<mark>发票抬头</mark>写错了，请帮我重开。" {
		t.Errorf("snippet of 发票抬头: %+v, %v", hits, err)
	}
}

func testLiveEqualsRebuilt(t *testing.T, fresh func(t *testing.T) Opener) {
	live, rebuilt := fresh(t)(t), fresh(t)(t)
	defer live.Close()
	defer rebuilt.Close()
	Apply(t, live, Stream(Size))
	Apply(t, rebuilt, Final(Size, 1000))
	for _, q := range Queries {
		if a, b := Hits(t, live, q), Hits(t, rebuilt, q); !slices.Equal(a, b) || !slices.Equal(a, Want(q)) {
			t.Errorf("search %q (internal %v): live %v, rebuilt %v, want %v", q.Text, q.Internal, a, b, Want(q))
		}
	}
}

func testRestart(t *testing.T, open Opener) {
	ctx := context.Background()
	stream := Stream(Size)
	half := len(stream) / 2
	ix := open(t)
	Apply(t, ix, stream[:half])
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	ix = open(t)
	defer ix.Close()
	if pos, err := ix.Checkpoint(ctx); err != nil || pos != uint64(half) {
		t.Fatalf("checkpoint after restart = %d, %v; want %d", pos, err, half)
	}
	// A batch the index already has is not applied again: its new word is not found.
	stale := stream[half-1]
	stale.Documents = []projections.SearchDocument{doc(1, 99, "customer", "staleword")}
	Apply(t, ix, []projections.SearchBatch{stale})
	if got := Hits(t, ix, Query{Text: "staleword"}); len(got) != 0 {
		t.Errorf("a batch at the checkpoint was applied again: %v", got)
	}
	Apply(t, ix, stream[half:])
	checkQueries(t, ix)
}

func testReset(t *testing.T, ix projections.SearchIndex) {
	defer ix.Close()
	ctx := context.Background()
	Apply(t, ix, Final(50, 20))
	if err := ix.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	if pos, err := ix.Checkpoint(ctx); err != nil || pos != 0 {
		t.Errorf("checkpoint after reset = %d, %v", pos, err)
	}
	if got := Hits(t, ix, Query{Text: "发票"}); len(got) != 0 {
		t.Errorf("hits after reset: %v", got)
	}
	Apply(t, ix, Final(Size, 500)) // a rebuild from position 1 again
	checkQueries(t, ix)
}

func testLimit(t *testing.T, ix projections.SearchIndex) {
	defer ix.Close()
	Apply(t, ix, Final(Size, 500))
	hits, err := ix.Search(context.Background(), projections.SearchQuery{Text: "物流", Limit: 3})
	if err != nil || len(hits) != 3 {
		t.Fatalf("limit 3: %d hits, %v", len(hits), err)
	}
}
