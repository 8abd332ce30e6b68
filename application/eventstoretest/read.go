package eventstoretest

import (
	"testing"

	"github.com/ticketengine/ticketengine/application/eventlog"
)

// testReadStreamFrom: ReadStreamFrom gives exactly the records ReadStream gives from that
// version on, across appends and for a version past the end, and nothing of other streams.
func testReadStreamFrom(t *testing.T, s eventlog.EventStore) {
	closeAtEnd(t, s)
	ctx := ctxFor(t)
	stream, other := NewStreamName(), NewStreamName()
	if got, err := s.ReadStreamFrom(ctx, stream, 0); err != nil || len(got) != 0 {
		t.Fatalf("missing stream from 0: got %d records, err %v; want none, nil", len(got), err)
	}
	if got, err := s.ReadStreamFrom(ctx, stream, 3); err != nil || len(got) != 0 {
		t.Fatalf("missing stream from 3: got %d records, err %v; want none, nil", len(got), err)
	}
	first := mustAppend(t, s, stream, eventlog.NoStream, MakeRecords(t, stream, 0, "", 3))
	mustAppend(t, s, other, eventlog.NoStream, MakeRecords(t, other, 0, "", 4))
	more := mustAppend(t, s, stream, 2, MakeRecords(t, stream, 3, first[2].Hash, 2))
	want := append(first, more...)
	for _, from := range []int64{-1, 0, 1, 2, 3, 4, 5, 6, 1 << 40} {
		got, err := s.ReadStreamFrom(ctx, stream, from)
		if err != nil {
			t.Fatalf("from %d: %v", from, err)
		}
		tail := want[min(max(from, 0), int64(len(want))):]
		if len(got) != len(tail) {
			t.Fatalf("from %d: %d records, want %d", from, len(got), len(tail))
		}
		for i, w := range tail {
			g := got[i]
			if g.ID != w.ID || g.Stream != stream || g.Version != w.Version || g.Position != w.Position || g.Hash != w.Hash || g.PrevHash != w.PrevHash {
				t.Errorf("from %d, record %d: %s %s v%d pos %d, want %s %s v%d pos %d", from, i, g.ID, g.Stream, g.Version, g.Position, w.ID, stream, w.Version, w.Position)
			}
			if h, err := eventlog.ComputeHash(g); err != nil || h != w.Hash {
				t.Errorf("from %d, record %d does not verify (err %v)", from, i, err)
			}
		}
	}
	// A tail read sees what was appended after the reader's version.
	latest := mustAppend(t, s, stream, 4, MakeRecords(t, stream, 5, more[1].Hash, 1))
	got, err := s.ReadStreamFrom(ctx, stream, 5)
	if err != nil || len(got) != 1 || got[0].ID != latest[0].ID {
		t.Fatalf("from 5 after a further append: %d records (err %v), want the one appended", len(got), err)
	}
}

func testReadAll(t *testing.T, s eventlog.EventStore) {
	closeAtEnd(t, s)
	ctx := ctxFor(t)
	a, b := NewStreamName(), NewStreamName()
	var want []eventlog.Record
	want = append(want, mustAppend(t, s, a, eventlog.NoStream, MakeRecords(t, a, 0, "", 2))...)
	want = append(want, mustAppend(t, s, b, eventlog.NoStream, MakeRecords(t, b, 0, "", 3))...)
	want = append(want, mustAppend(t, s, a, 1, MakeRecords(t, a, 2, want[1].Hash, 2))...)
	var got []eventlog.Record
	var after uint64
	for {
		page, err := s.ReadAll(ctx, after, 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		if len(page) > 2 {
			t.Fatalf("page of %d records, limit 2", len(page))
		}
		got = append(got, page...)
		after = page[len(page)-1].Position
	}
	if len(got) != len(want) {
		t.Fatalf("read-all gave %d records, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i].ID != want[i].ID || got[i].Position != want[i].Position {
			t.Errorf("read-all %d: %s@%d, want %s@%d", i, got[i].ID, got[i].Position, want[i].ID, want[i].Position)
		}
	}
	if tail, _ := s.ReadAll(ctx, want[len(want)-1].Position, 10); len(tail) != 0 {
		t.Errorf("read-all after the last position gave %d records", len(tail))
	}
}

func testRoundTrip(t *testing.T, s eventlog.EventStore) {
	closeAtEnd(t, s)
	ctx := ctxFor(t)
	stream := NewStreamName()
	in := MakeRecords(t, stream, 0, "", 2)
	mustAppend(t, s, stream, eventlog.NoStream, in)
	out, err := s.ReadStream(ctx, stream)
	if err != nil {
		t.Fatal(err)
	}
	for i := range in {
		g, w := out[i], in[i]
		if g.Type != w.Type || g.Stream != w.Stream || g.Hash != w.Hash || g.PrevHash != w.PrevHash || g.Meta != w.Meta && !metaEqual(g.Meta, w.Meta) {
			t.Errorf("record %d changed in the store:\n got %+v\nwant %+v", i, g, w)
		}
		gd, _ := eventlog.CanonicalJSON(g.Data)
		wd, _ := eventlog.CanonicalJSON(w.Data)
		if string(gd) != string(wd) {
			t.Errorf("record %d data: got %s, want %s", i, gd, wd)
		}
		if h, err := eventlog.ComputeHash(g); err != nil || h != w.Hash {
			t.Errorf("record %d no longer verifies after the round trip (err %v)", i, err)
		}
	}
}

func metaEqual(a, b eventlog.Metadata) bool {
	return a.Actor == b.Actor && a.CorrelationID == b.CorrelationID && a.CausationID == b.CausationID &&
		a.IdempotencyKey == b.IdempotencyKey && a.RequestHash == b.RequestHash && a.Rule == b.Rule && a.OccurredAt.Equal(b.OccurredAt)
}
