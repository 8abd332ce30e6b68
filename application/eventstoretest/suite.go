// Package eventstoretest is the executable contract of eventlog.EventStore: every
// adapter's tests call Run with a factory for fresh, empty stores.
package eventstoretest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/eventlog"
)

// Factory returns a fresh, empty store, and is called once per sub-test. The suite closes it.
type Factory func(t *testing.T) eventlog.EventStore

// Run runs the whole contract against the stores the factory makes.
func Run(t *testing.T, newStore Factory) {
	t.Run("AppendAndReadStream", func(t *testing.T) { testAppendAndRead(t, newStore(t)) })
	t.Run("ReadStreamFromVersion", func(t *testing.T) { testReadStreamFrom(t, newStore(t)) })
	t.Run("ExpectedVersion", func(t *testing.T) { testExpectedVersion(t, newStore(t)) })
	t.Run("AtomicBatch", func(t *testing.T) { testAtomicBatch(t, newStore(t)) })
	t.Run("ReadAllOrderAndPaging", func(t *testing.T) { testReadAll(t, newStore(t)) })
	t.Run("RecordsRoundTripExactly", func(t *testing.T) { testRoundTrip(t, newStore(t)) })
	t.Run("RacingWritersOneWins", func(t *testing.T) { testRacingWriters(t, newStore(t)) })
	t.Run("SubscribeCatchUpThenLive", func(t *testing.T) { testSubscribe(t, newStore(t)) })
	t.Run("ConcurrentAppendsSubscribersSeeAllInOrder", func(t *testing.T) { testConcurrentSubscribers(t, newStore(t)) })
	t.Run("SubscribeStopsOnHandlerError", func(t *testing.T) { testSubscribeHandlerError(t, newStore(t)) })
	t.Run("EveryStreamKindIsKept", func(t *testing.T) { testEveryKindIsKept(t, newStore(t)) })
	t.Run("UnregisteredStreamRefused", func(t *testing.T) { testUnregisteredStreamRefused(t, newStore(t)) })
}

// NewStreamName returns a stream name of the ticket kind that no other test uses.
func NewStreamName() string { return eventlog.TicketStream(uuid.New()) }

// MakeRecords builds n sealed records continuing a stream from version `from` (0 for a
// new stream) after the record with hash prevHash.
func MakeRecords(t testing.TB, stream string, from int64, prevHash string, n int) []eventlog.Record {
	t.Helper()
	base := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	out := make([]eventlog.Record, n)
	for i := range out {
		v := from + int64(i)
		data, _ := json.Marshal(map[string]any{"n": v, "text": "工单 <b>&</b> ticket", "nested": map[string]any{"z": 1, "a": []int{3, 2, 1}}})
		out[i] = eventlog.Record{
			ID: uuid.New(), Stream: stream, Version: v, Type: "TicketReplied", Data: data,
			Meta: eventlog.Metadata{
				Actor: "agent:test", CorrelationID: uuid.NewString(), CausationID: uuid.NewString(),
				IdempotencyKey: fmt.Sprintf("key-%d", v), RequestHash: "abc", OccurredAt: base.Add(time.Duration(v) * 1500 * time.Microsecond).Truncate(time.Millisecond),
			},
		}
	}
	if err := eventlog.Seal(prevHash, out); err != nil {
		t.Fatal(err)
	}
	return out
}

func ctxFor(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func closeAtEnd(t *testing.T, s eventlog.EventStore) {
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
}

func mustAppend(t *testing.T, s eventlog.EventStore, stream string, expected int64, recs []eventlog.Record) []eventlog.Record {
	t.Helper()
	out, err := s.Append(ctxFor(t), stream, expected, recs)
	if err != nil {
		t.Fatalf("append %s at %d: %v", stream, expected, err)
	}
	return out
}

func testAppendAndRead(t *testing.T, s eventlog.EventStore) {
	closeAtEnd(t, s)
	ctx := ctxFor(t)
	stream := NewStreamName()
	if got, err := s.ReadStream(ctx, stream); err != nil || len(got) != 0 {
		t.Fatalf("missing stream: got %d records, err %v; want none, nil", len(got), err)
	}
	first := mustAppend(t, s, stream, eventlog.NoStream, MakeRecords(t, stream, 0, "", 2))
	more := mustAppend(t, s, stream, 1, MakeRecords(t, stream, 2, first[1].Hash, 3))
	got, err := s.ReadStream(ctx, stream)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 5 {
		t.Fatalf("read %d records, want 5", len(got))
	}
	want := append(first, more...)
	for i := range got {
		if got[i].ID != want[i].ID || got[i].Version != int64(i) || got[i].Position != want[i].Position {
			t.Errorf("record %d: id %s v%d pos %d, want id %s v%d pos %d", i, got[i].ID, got[i].Version, got[i].Position, want[i].ID, i, want[i].Position)
		}
		if i > 0 && got[i].Position <= got[i-1].Position {
			t.Errorf("positions not increasing: %d then %d", got[i-1].Position, got[i].Position)
		}
		if got[i].Position == 0 {
			t.Errorf("record %d has position 0; positions start at 1", i)
		}
	}
}

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

func testExpectedVersion(t *testing.T, s eventlog.EventStore) {
	closeAtEnd(t, s)
	ctx := ctxFor(t)
	stream := NewStreamName()
	recs := mustAppend(t, s, stream, eventlog.NoStream, MakeRecords(t, stream, 0, "", 2))
	cases := []struct {
		name     string
		expected int64
		from     int64
	}{
		{"NoStreamOnExisting", eventlog.NoStream, 0},
		{"Behind", 0, 1},
		{"Ahead", 5, 6},
	}
	for _, c := range cases {
		_, err := s.Append(ctx, stream, c.expected, MakeRecords(t, stream, c.from, recs[1].Hash, 1))
		if !errors.Is(err, eventlog.ErrWrongExpectedVersion) {
			t.Errorf("%s: got %v, want ErrWrongExpectedVersion", c.name, err)
		}
	}
	other := NewStreamName()
	if _, err := s.Append(ctx, other, 0, MakeRecords(t, other, 1, "", 1)); !errors.Is(err, eventlog.ErrWrongExpectedVersion) {
		t.Errorf("expected 0 on a missing stream: got %v, want ErrWrongExpectedVersion", err)
	}
	if got, _ := s.ReadStream(ctx, stream); len(got) != 2 {
		t.Errorf("refused appends wrote: stream has %d records, want 2", len(got))
	}
	if got, _ := s.ReadStream(ctx, other); len(got) != 0 {
		t.Errorf("refused append created the stream: %d records", len(got))
	}
}

func testAtomicBatch(t *testing.T, s eventlog.EventStore) {
	closeAtEnd(t, s)
	ctx := ctxFor(t)
	stream := NewStreamName()
	mustAppend(t, s, stream, eventlog.NoStream, MakeRecords(t, stream, 0, "", 3))
	// A batch that conflicts writes none of its records.
	if _, err := s.Append(ctx, stream, 1, MakeRecords(t, stream, 2, "", 4)); err == nil {
		t.Fatal("conflicting batch was accepted")
	}
	all, err := s.ReadAll(ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 3 {
		t.Fatalf("read-all has %d records, want 3", len(all))
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

func testRacingWriters(t *testing.T, s eventlog.EventStore) {
	closeAtEnd(t, s)
	ctx := ctxFor(t)
	stream := NewStreamName()
	head := mustAppend(t, s, stream, eventlog.NoStream, MakeRecords(t, stream, 0, "", 1))
	const writers = 8
	var wins, conflicts int
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.Append(ctx, stream, 0, MakeRecords(t, stream, 1, head[0].Hash, 1))
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				wins++
			case errors.Is(err, eventlog.ErrWrongExpectedVersion):
				conflicts++
			default:
				t.Errorf("racing append: %v", err)
			}
		}()
	}
	wg.Wait()
	if wins != 1 || conflicts != writers-1 {
		t.Errorf("%d wins and %d conflicts, want 1 and %d", wins, conflicts, writers-1)
	}
}

func testSubscribe(t *testing.T, s eventlog.EventStore) {
	closeAtEnd(t, s)
	ctx, cancel := context.WithCancel(ctxFor(t))
	defer cancel()
	stream := NewStreamName()
	first := mustAppend(t, s, stream, eventlog.NoStream, MakeRecords(t, stream, 0, "", 3))
	got := make(chan eventlog.Record, 100)
	done := make(chan error, 1)
	go func() {
		done <- s.Subscribe(ctx, first[0].Position, func(_ context.Context, r eventlog.Record) error {
			got <- r
			return nil
		})
	}()
	expectIDs(t, got, first[1:])
	live := mustAppend(t, s, stream, 2, MakeRecords(t, stream, 3, first[2].Hash, 2))
	expectIDs(t, got, live)
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("subscription ended with %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("subscription did not stop when its context ended")
	}
}

func expectIDs(t *testing.T, got <-chan eventlog.Record, want []eventlog.Record) {
	t.Helper()
	for _, w := range want {
		select {
		case r := <-got:
			if r.ID != w.ID || r.Position != w.Position {
				t.Fatalf("subscription gave %s@%d, want %s@%d", r.ID, r.Position, w.ID, w.Position)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("subscription did not deliver %s@%d", w.ID, w.Position)
		}
	}
}

// testConcurrentSubscribers: writers on many streams; a subscriber started before and one
// started halfway see every record exactly once, in the same order as read-all.
func testConcurrentSubscribers(t *testing.T, s eventlog.EventStore) {
	closeAtEnd(t, s)
	ctx, cancel := context.WithCancel(ctxFor(t))
	defer cancel()
	const writers, perWriter = 16, 25
	total := writers * perWriter
	early := collect(ctx, s, total)
	var wg sync.WaitGroup
	var late <-chan []eventlog.Record
	var lateOnce sync.Once
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stream := NewStreamName()
			prev, version := "", eventlog.NoStream
			for i := range perWriter {
				recs := MakeRecords(t, stream, version+1, prev, 1)
				if _, err := s.Append(ctx, stream, version, recs); err != nil {
					t.Errorf("writer %d append %d: %v", w, i, err)
					return
				}
				prev, version = recs[0].Hash, version+1
				if w == 0 && i == perWriter/2 {
					lateOnce.Do(func() { late = collect(ctx, s, total) })
				}
			}
		}()
	}
	wg.Wait()
	all, err := s.ReadAll(ctx, 0, total+10)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != total {
		t.Fatalf("read-all has %d records, want %d", len(all), total)
	}
	for name, ch := range map[string]<-chan []eventlog.Record{"early": early, "late": late} {
		select {
		case seen := <-ch:
			if len(seen) != total {
				t.Fatalf("%s subscriber saw %d records, want %d", name, len(seen), total)
			}
			for i := range all {
				if seen[i].ID != all[i].ID {
					t.Fatalf("%s subscriber: record %d is %s@%d, read-all has %s@%d", name, i, seen[i].ID, seen[i].Position, all[i].ID, all[i].Position)
				}
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("%s subscriber did not see all %d records", name, total)
		}
	}
}

// collect subscribes from the start and sends the first n records it sees; a record seen
// twice makes the result longer than n only if it comes before the n-th, which the caller catches
// by comparing with read-all.
func collect(ctx context.Context, s eventlog.EventStore, n int) <-chan []eventlog.Record {
	out := make(chan []eventlog.Record, 1)
	var seen []eventlog.Record
	errDone := errors.New("done")
	go func() {
		_ = s.Subscribe(ctx, 0, func(_ context.Context, r eventlog.Record) error {
			seen = append(seen, r)
			if len(seen) == n {
				out <- seen
				return errDone
			}
			return nil
		})
	}()
	return out
}

func testSubscribeHandlerError(t *testing.T, s eventlog.EventStore) {
	closeAtEnd(t, s)
	ctx := ctxFor(t)
	stream := NewStreamName()
	mustAppend(t, s, stream, eventlog.NoStream, MakeRecords(t, stream, 0, "", 3))
	boom := errors.New("boom")
	calls := 0
	err := s.Subscribe(ctx, 0, func(context.Context, eventlog.Record) error {
		calls++
		if calls == 2 {
			return boom
		}
		return nil
	})
	if !errors.Is(err, boom) || calls != 2 {
		t.Errorf("got %v after %d calls, want boom after 2", err, calls)
	}
}
