package searchtest

import (
	"slices"
	"testing"

	"github.com/ticketengine/ticketengine/projections"
	"github.com/ticketengine/ticketengine/projections/searchtext"
)

// scan is the plain search the indexes must agree with: every message's terms, every
// query term, no index.
func scan(batches []projections.SearchBatch, q Query) []string {
	docs := map[string]projections.SearchDocument{}
	for _, b := range batches {
		for _, d := range b.Documents {
			docs[d.MessageID] = d
		}
		for _, id := range b.DeleteMessage {
			delete(docs, id)
		}
		for _, tk := range b.DeleteTickets {
			for id, d := range docs {
				if d.TicketID == tk {
					delete(docs, id)
				}
			}
		}
	}
	terms := searchtext.QueryTerms(q.Text)
	var out []string
	for _, d := range docs {
		if len(terms) == 0 || (d.Internal && !q.Internal) {
			continue
		}
		have := searchtext.Terms(d.Text)
		if allIn(terms, have) && !slices.Contains(out, d.TicketID) {
			out = append(out, d.TicketID)
		}
	}
	slices.Sort(out)
	return out
}

func allIn(terms, have []string) bool {
	for _, t := range terms {
		if !slices.Contains(have, t) {
			return false
		}
	}
	return true
}

// TestHandWrittenHitsHoldOnTheCorpus: the hand-written hits are what a plain scan finds,
// on the live stream and on the final state, so a backend that disagrees is wrong.
func TestHandWrittenHitsHoldOnTheCorpus(t *testing.T) {
	if len(Queries) < 20 {
		t.Fatalf("%d queries, want at least 20", len(Queries))
	}
	stream, final := Stream(Size), Final(Size, 300)
	for _, q := range Queries {
		if got := scan(stream, q); !slices.Equal(got, Want(q)) {
			t.Errorf("stream: %q (internal %v) = %v, want %v", q.Text, q.Internal, got, Want(q))
		}
		if got := scan(final, q); !slices.Equal(got, Want(q)) {
			t.Errorf("final: %q (internal %v) = %v, want %v", q.Text, q.Internal, got, Want(q))
		}
	}
}

func TestStreamPositionsAndEdits(t *testing.T) {
	stream := Stream(Size)
	docs := 0
	for i, b := range stream {
		if b.Position != uint64(i+1) {
			t.Fatalf("batch %d at position %d", i, b.Position)
		}
		docs += len(b.Documents)
	}
	if len(stream) < 50 || docs < 2*Size {
		t.Errorf("%d batches, %d documents: too few to be a live path", len(stream), docs)
	}
}
