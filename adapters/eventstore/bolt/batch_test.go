package bolt

import (
	"context"
	"errors"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/application/eventstoretest"
)

// TestConflictInABatchFailsAlone holds the writer on a gate after it has taken the first
// append, queues the others behind it in a known order, then opens the gate, so that all
// of them form one batch; it asserts each outcome and the positions given out.
func TestConflictInABatchFailsAlone(t *testing.T) {
	s, taken, release := openHeld(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	x, y, z := eventstoretest.NewStreamName(), eventstoretest.NewStreamName(), eventstoretest.NewStreamName()
	xFirst := eventstoretest.MakeRecords(t, x, 0, "", 2)
	appends := []struct {
		name     string
		stream   string
		expected int64
		records  []eventlog.Record
		conflict bool
	}{
		{"x new", x, eventlog.NoStream, xFirst, false},
		{"x new again (sees the first in the same batch)", x, eventlog.NoStream, eventstoretest.MakeRecords(t, x, 0, "", 1), true},
		{"x continues the first of the batch", x, 1, eventstoretest.MakeRecords(t, x, 2, xFirst[1].Hash, 1), false},
		{"y new", y, eventlog.NoStream, eventstoretest.MakeRecords(t, y, 0, "", 3), false},
		{"z expected 3 but missing", z, 3, eventstoretest.MakeRecords(t, z, 4, "", 1), true},
		{"x at a stale version", x, 1, eventstoretest.MakeRecords(t, x, 2, xFirst[1].Hash, 1), true},
		{"z new", z, eventlog.NoStream, eventstoretest.MakeRecords(t, z, 0, "", 1), false},
	}
	type outcome struct {
		records []eventlog.Record
		err     error
	}
	results := make([]chan outcome, len(appends))
	for i, a := range appends {
		results[i] = make(chan outcome, 1)
		go func() {
			recs, err := s.Append(ctx, a.stream, a.expected, a.records)
			results[i] <- outcome{recs, err}
		}()
		// The writer holds the first; wait until this one is queued before the next.
		if i == 0 {
			<-taken
		}
		waitFor(t, func() bool { return len(s.reqs) == i })
	}
	before := batches.Load()
	close(release)
	var next uint64 = 1
	for i, a := range appends {
		o := <-results[i]
		if a.conflict {
			if !errors.Is(o.err, eventlog.ErrWrongExpectedVersion) {
				t.Errorf("%s: %v, want a wrong expected version", a.name, o.err)
			}
			continue
		}
		if o.err != nil {
			t.Fatalf("%s: %v, want success", a.name, o.err)
		}
		for _, r := range o.records {
			if r.Position != next {
				t.Errorf("%s: position %d, want %d (positions are contiguous, failed appends take none)", a.name, r.Position, next)
			}
			next++
		}
	}
	if n := batches.Load() - before; n != 0 {
		t.Errorf("the appends took %d more batches, want all in the first", n)
	}
	all, err := s.ReadAll(ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	if uint64(len(all)) != next-1 {
		t.Errorf("read-all has %d records, want %d", len(all), next-1)
	}
	for stream, want := range map[string]int{x: 3, y: 3, z: 1} {
		if got, _ := s.ReadStream(ctx, stream); len(got) != want {
			t.Errorf("stream %s has %d records, want %d", stream, len(got), want)
		}
	}
}

// TestCancelledAppendInABatchWritesNothing: an append whose context ends while it waits
// in the queue is dropped when the writer reaches it, and says so.
func TestCancelledAppendInABatchWritesNothing(t *testing.T) {
	s, taken, release := openHeld(t)
	a, b := eventstoretest.NewStreamName(), eventstoretest.NewStreamName()
	first := make(chan error, 1)
	go func() {
		_, err := s.Append(context.Background(), a, eventlog.NoStream, eventstoretest.MakeRecords(t, a, 0, "", 1))
		first <- err
	}()
	<-taken
	cctx, cancel := context.WithCancel(context.Background())
	second := make(chan error, 1)
	go func() {
		_, err := s.Append(cctx, b, eventlog.NoStream, eventstoretest.MakeRecords(t, b, 0, "", 1))
		second <- err
	}()
	waitFor(t, func() bool { return len(s.reqs) == 1 })
	cancel()
	close(release)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if err := <-second; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled append: %v, want context.Canceled", err)
	}
	if got, _ := s.ReadStream(context.Background(), b); len(got) != 0 {
		t.Errorf("cancelled append wrote %d records", len(got))
	}
}

// openHeld opens a store whose writer, after taking the first request of a batch,
// reports it on taken and waits until release is closed (only the first batch).
func openHeld(t *testing.T) (*Store, <-chan struct{}, chan struct{}) {
	taken, release := make(chan struct{}, 1), make(chan struct{})
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "events.db"), func(c *config) {
		c.hold = func() {
			batches.Add(1)
			select {
			case taken <- struct{}{}:
			default:
			}
			<-release
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, taken, release
}

// batches counts the batches writers of openHeld stores have taken.
var batches atomic.Int64

// waitFor waits for a condition on the writer's queue; it measures nothing.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached")
		}
		time.Sleep(time.Millisecond)
	}
}
