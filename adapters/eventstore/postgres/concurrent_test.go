package postgres

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/application"
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
	early := follow(ctx, s, total)
	follower := poll(ctx, stores[2], total)
	halfway := make(chan struct{})
	lateStarted := make(chan (<-chan []application.Record), 1)
	go func() {
		<-halfway
		lateStarted <- follow(ctx, stores[1], total)
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
	verifier := application.NewChainVerifier()
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
	for name, ch := range map[string]<-chan []application.Record{"early": early, "late": late, "follower": follower} {
		seen := awaitAll(t, name, ch)
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
		names[i], versions[i] = eventstoretest.NewStreamName(), application.NoStream
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

// follow subscribes from the start and sends what it saw once it has n records, plus any
// that arrive within a moment after, so that a repeat or an extra record shows.
func follow(ctx context.Context, s *Store, n int) <-chan []application.Record {
	out := make(chan []application.Record, 1)
	go func() {
		var seen []application.Record
		sub, cancel := context.WithCancel(ctx)
		defer cancel()
		_ = s.Subscribe(sub, 0, func(_ context.Context, r application.Record) error {
			seen = append(seen, r)
			if len(seen) == n {
				time.AfterFunc(200*time.Millisecond, cancel)
			}
			return nil
		})
		out <- seen
	}()
	return out
}

// poll follows read-all by checkpoint in small pages without pausing, the way a naive
// projection would, until it has n records.
func poll(ctx context.Context, s *Store, n int) <-chan []application.Record {
	out := make(chan []application.Record, 1)
	go func() {
		var seen []application.Record
		var after uint64
		for len(seen) < n && ctx.Err() == nil {
			page, err := s.ReadAll(ctx, after, 7)
			if err != nil {
				break
			}
			for _, r := range page {
				seen = append(seen, r)
				after = r.Position
			}
		}
		out <- seen
	}()
	return out
}

func awaitAll(t *testing.T, name string, ch <-chan []application.Record) []application.Record {
	t.Helper()
	select {
	case seen := <-ch:
		return seen
	case <-time.After(60 * time.Second):
		t.Fatalf("%s did not finish", name)
		return nil
	}
}
