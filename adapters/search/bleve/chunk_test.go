package bleve

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/ticketengine/ticketengine/projections"
)

// TestApplyInChunks: a batch of more documents than one bleve batch takes is indexed
// whole, its deletions first, with its checkpoint, and a ticket deleted in the next batch
// loses every document, those of every chunk.
func TestApplyInChunks(t *testing.T) {
	ctx := context.Background()
	x, err := Open(filepath.Join(t.TempDir(), "search"))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	n := 2*applyChunk + 1
	docs := make([]projections.SearchDocument, n)
	for i := range docs {
		docs[i] = projections.SearchDocument{TicketID: fmt.Sprintf("t%d", i%3), MessageID: fmt.Sprintf("m%d", i), Text: "invoice"}
	}
	if err := x.Apply(ctx, projections.SearchBatch{Documents: docs, Position: 7}); err != nil {
		t.Fatal(err)
	}
	if c, err := x.ix.DocCount(); err != nil || c != uint64(n) {
		t.Fatalf("%d documents (%v), want %d", c, err, n)
	}
	if pos, err := readCheckpoint(x.ix); err != nil || pos != 7 {
		t.Fatalf("checkpoint %d (%v), want 7", pos, err)
	}
	if err := x.Apply(ctx, projections.SearchBatch{DeleteTickets: []string{"t0"}, Position: 8}); err != nil {
		t.Fatal(err)
	}
	if c, err := x.ix.DocCount(); err != nil || c != uint64(n-(n+2)/3) {
		t.Fatalf("%d documents after deleting t0 (%v), want %d", c, err, n-(n+2)/3)
	}
}
