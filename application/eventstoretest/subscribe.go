package eventstoretest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/application/eventlog"
)

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
