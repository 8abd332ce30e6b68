package projections

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// fakeIndex keeps documents by message id; it refuses any batch holding a document with
// "poison" in it, and every batch while down.
type fakeIndex struct {
	docs    map[string]SearchDocument
	pos     uint64
	down    bool
	applies int
}

func (f *fakeIndex) Apply(_ context.Context, b SearchBatch) error {
	if f.down {
		return errors.New("index unreachable")
	}
	for _, d := range b.Documents {
		if strings.Contains(d.Text, "poison") {
			return errors.New("cannot hold this document")
		}
	}
	if b.Position <= f.pos && b.Position > 0 {
		return nil
	}
	f.applies++
	for id, d := range f.docs {
		if slices.Contains(b.DeleteTickets, d.TicketID) {
			delete(f.docs, id)
		}
	}
	for _, d := range b.Documents {
		f.docs[d.MessageID] = d
	}
	f.pos = b.Position
	return nil
}
func (f *fakeIndex) Checkpoint(context.Context) (uint64, error) { return f.pos, nil }
func (f *fakeIndex) Search(context.Context, SearchQuery) ([]SearchHit, error) {
	return nil, nil
}
func (f *fakeIndex) Reset(context.Context) error {
	f.docs, f.pos = map[string]SearchDocument{}, 0
	return nil
}
func (f *fakeIndex) Close() error { return nil }

func ticketRecord(t *testing.T, id uuid.UUID, pos uint64, version int64, e domain.Event) eventlog.Record {
	t.Helper()
	data, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	return eventlog.Record{ID: uuid.New(), Stream: eventlog.TicketStream(id), Version: version, Position: pos,
		Type: e.EventType(), Data: data, Meta: eventlog.Metadata{OccurredAt: time.Now()}}
}

// TestSearchIndexerSkipsPoisonAndFollows: a record that does not decode and a document
// the index refuses are skipped and counted while the rest is indexed; a gap before a
// record from the bus is read from the store; an unreachable index loses nothing; a
// rebuild makes the same documents as the live path.
func TestSearchIndexerSkipsPoisonAndFollows(t *testing.T) {
	ctx := context.Background()
	id := uuid.New()
	recs := []eventlog.Record{
		ticketRecord(t, id, 1, 0, domain.TicketReceived{TicketID: id, Subject: "发票", Body: "上个月的发票抬头写错了"}),
		{ID: uuid.New(), Stream: eventlog.TicketStream(id), Version: 1, Position: 2, Type: "CustomerReplied", Data: []byte(`{"body":`)},
		ticketRecord(t, id, 3, 2, domain.CustomerReplied{Body: "poison pill"}),
		ticketRecord(t, id, 4, 3, domain.TicketReplied{Body: "internal note"}),
		ticketRecord(t, id, 5, 4, domain.TicketReplied{Body: "public reply", Public: true}),
		ticketRecord(t, id, 6, 5, domain.CustomerReplied{Body: "thanks"}),
	}
	ix := &fakeIndex{docs: map[string]SearchDocument{}}
	x, err := NewSearchIndexer(ctx, ix)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := x.CatchUp(ctx, recordsOnly{recs: recs[:4]}); err != nil {
		t.Fatal(err)
	}
	if p := x.Progress(); p.Failed != 2 || p.Committed != 4 || ix.pos != 4 || len(ix.docs) != 2 {
		t.Fatalf("after catching up: %+v, index at %d with %d documents", p, ix.pos, len(ix.docs))
	}
	if d := ix.docs[recs[3].ID.String()]; !d.Internal || d.Kind != "internal" {
		t.Fatalf("the note: %+v", d)
	}
	// Record 6 arrives over the bus; 5 never did: it is read from the store.
	es := recordsOnly{recs: recs}
	if err := x.FollowBatch(ctx, es, recs[5:], 5); err != nil {
		t.Fatal(err)
	}
	ix.down = true
	if err := x.Flush(ctx); err == nil {
		t.Fatal("a commit to an unreachable index succeeded")
	}
	ix.down = false
	if err := x.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if ix.pos != 6 || len(ix.docs) != 4 || x.Progress().Failed != 2 {
		t.Fatalf("live: index at %d with %d documents, %+v", ix.pos, len(ix.docs), x.Progress())
	}
	live := maps.Clone(ix.docs)
	if _, err := x.Rebuild(ctx, es); err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(live, ix.docs) || ix.pos != 6 {
		t.Fatalf("rebuilt %v at %d, live %v", ix.docs, ix.pos, live)
	}
}

// TestSearchIndexerForgetsAnErasedCustomer: TicketCustomerErased removes every document
// of its ticket, those still pending in the batch too; what is written afterwards is
// indexed; other tickets keep theirs. Live (one commit per record) and a rebuild (one
// batch) leave the same documents.
func TestSearchIndexerForgetsAnErasedCustomer(t *testing.T) {
	ctx := context.Background()
	id, other := uuid.New(), uuid.New()
	recs := []eventlog.Record{
		ticketRecord(t, other, 1, 0, domain.TicketReceived{TicketID: other, Subject: "other", Body: "kept"}),
		ticketRecord(t, id, 2, 0, domain.TicketReceived{TicketID: id, Subject: "Xylophone", Body: "secret"}),
		ticketRecord(t, id, 3, 1, domain.CustomerReplied{Body: "Quokka"}),
		ticketRecord(t, id, 4, 2, domain.TicketCustomerErased{RecordID: uuid.NewString(), By: "admin"}),
		ticketRecord(t, id, 5, 3, domain.TicketReplied{Body: "closing", Public: true}),
	}
	es := recordsOnly{recs: recs}
	ix := &fakeIndex{docs: map[string]SearchDocument{}}
	x, err := NewSearchIndexer(ctx, ix)
	if err != nil {
		t.Fatal(err)
	}
	for i := range recs {
		if err := x.FollowBatch(ctx, es, recs[i:i+1], uint64(i)); err != nil {
			t.Fatal(err)
		}
		if err := x.Flush(ctx); err != nil {
			t.Fatal(err)
		}
	}
	want := map[string]bool{recs[0].ID.String(): true, recs[4].ID.String(): true}
	check := func(when string) {
		t.Helper()
		if len(ix.docs) != len(want) {
			t.Fatalf("%s: %v", when, ix.docs)
		}
		for m := range ix.docs {
			if !want[m] {
				t.Fatalf("%s: document %s of the erased customer is left: %v", when, m, ix.docs)
			}
		}
	}
	check("live")
	if _, err := x.Rebuild(ctx, es); err != nil {
		t.Fatal(err)
	}
	check("rebuilt in one batch")
}
