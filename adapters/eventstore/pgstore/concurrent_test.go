package pgstore

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/application/eventstoretest"
)

// TestHeavyConcurrentAppendsNeverSkip is the test a bigserial position fails: 16 writers,
// spread over four stores on one database (four ticketd processes, whose transactions
// really overlap), append batches of 1–3 events over many streams while three readers
// follow: a subscriber started before, one started halfway, and a reader that pages
// ReadAll(position > checkpoint) as fast as it can. Each must see every event once, in read-all's order, and
// positions must be 1..N without a gap.
func TestHeavyConcurrentAppendsNeverSkip(t *testing.T) {
	s, dsn := openClosing(t)
	ctx, cancel := context.WithCancel(testCtx(t))
	defer cancel()
	stores := []*Store{s}
	for range 3 {
		other := must(Open(ctx, dsn))(t)
		defer other.Close()
		stores = append(stores, other)
	}
	const writers, appends, streamsPerWriter = 16, 120, 6
	total := 0
	for w := range writers {
		for i := range appends {
			total += 1 + (w+i)%3
		}
	}
	early := follow(ctx, s)
	follower := poll(ctx, stores[2])
	halfway := make(chan struct{})
	lateStarted := make(chan *tracker, 1)
	go func() {
		<-halfway
		lateStarted <- follow(ctx, stores[1])
	}()
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := write(ctx, t, stores[w%len(stores)], w, appends, streamsPerWriter, halfway); err != nil {
				t.Errorf("writer %d: %v", w, err)
			}
		}()
	}
	wg.Wait()
	all := must(s.ReadAll(ctx, 0, total+10))(t)
	if len(all) != total {
		t.Fatalf("read-all has %d records, want %d", len(all), total)
	}
	verifier := eventlog.NewChainVerifier()
	for i, r := range all {
		if r.Position != uint64(i+1) {
			t.Fatalf("record %d has position %d: positions have a gap", i, r.Position)
		}
		verifier.Add(r)
	}
	if len(verifier.Problems) > 0 {
		t.Fatalf("chains broken: %v", verifier.Problems)
	}
	late := <-lateStarted
	for name, k := range map[string]*tracker{"early": early, "late": late, "follower": follower} {
		seen := awaitAll(t, k, all[total-1].Position)
		if len(seen) != total {
			t.Fatalf("%s saw %d records, want %d", name, len(seen), total)
		}
		for i := range all {
			if seen[i].ID != all[i].ID {
				t.Fatalf("%s: record %d is %s@%d, read-all has %s@%d", name, i, seen[i].ID, seen[i].Position, all[i].ID, all[i].Position)
			}
		}
	}
}

// write appends `appends` batches of 1–3 records, spread over the writer's streams, and
// closes halfway (once) when writer 0 is half done.
func write(ctx context.Context, t testing.TB, s *Store, w, appends, streams int, halfway chan struct{}) error {
	names := make([]string, streams)
	prev := make([]string, streams)
	versions := make([]int64, streams)
	for i := range names {
		names[i], versions[i] = eventstoretest.NewStreamName(), eventlog.NoStream
	}
	for i := range appends {
		k, n := i%streams, 1+(w+i)%3
		recs := eventstoretest.MakeRecords(t, names[k], versions[k]+1, prev[k], n)
		if _, err := s.Append(ctx, names[k], versions[k], recs); err != nil {
			return err
		}
		prev[k], versions[k] = recs[n-1].Hash, versions[k]+int64(n)
		if w == 0 && i == appends/2 {
			close(halfway)
		}
	}
	return nil
}

// tracker collects what one reader sees, until its context ends.
type tracker struct {
	mu   sync.Mutex
	seen []eventlog.Record
	last atomic.Uint64 // the last position seen
	stop context.CancelFunc
	done chan struct{}
}

func newTracker(ctx context.Context) (*tracker, context.Context) {
	ctx, stop := context.WithCancel(ctx)
	return &tracker{stop: stop, done: make(chan struct{})}, ctx
}

func (k *tracker) add(r eventlog.Record) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.seen = append(k.seen, r)
	k.last.Store(r.Position)
}

// follow subscribes from the start.
func follow(ctx context.Context, s *Store) *tracker {
	k, ctx := newTracker(ctx)
	go func() {
		defer close(k.done)
		_ = s.Subscribe(ctx, 0, func(_ context.Context, r eventlog.Record) error {
			k.add(r)
			return nil
		})
	}()
	return k
}

// poll follows read-all by checkpoint in small pages, the way a naive projection would,
// pausing only when it is caught up.
func poll(ctx context.Context, s *Store) *tracker {
	k, ctx := newTracker(ctx)
	go func() {
		defer close(k.done)
		var after uint64
		for ctx.Err() == nil {
			page, err := s.ReadAll(ctx, after, 7)
			if err != nil {
				return
			}
			for _, r := range page {
				k.add(r)
				after = r.Position
			}
			if len(page) == 0 {
				time.Sleep(time.Millisecond)
			}
		}
	}()
	return k
}

// awaitAll waits until the reader has reached position last (or a generous bound passes),
// lets a moment pass so that a repeated record would show, stops it and returns what it saw.
func awaitAll(t *testing.T, k *tracker, last uint64) []eventlog.Record {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for k.last.Load() < last && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond)
	k.stop()
	<-k.done
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.seen
}
