package eventstoretest

import (
	"errors"
	"sync"
	"testing"

	"github.com/ticketengine/ticketengine/application/eventlog"
)

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

func testRacingWriters(t *testing.T, s eventlog.EventStore) {
	closeAtEnd(t, s)
	ctx := ctxFor(t)
	stream := NewStreamName()
	head := mustAppend(t, s, stream, eventlog.NoStream, MakeRecords(t, stream, 0, "", 1))
	OneWins(t, 8, eventlog.ErrWrongExpectedVersion, func() error {
		_, err := s.Append(ctx, stream, 0, MakeRecords(t, stream, 1, head[0].Hash, 1))
		return err
	})
}

// OneWins runs write from n goroutines at once, all expecting the same version, and
// fails the test unless exactly one succeeds and every other fails with an error
// wrapping lost.
func OneWins(t *testing.T, n int, lost error, write func() error) {
	t.Helper()
	var wins, losses int
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			err := write()
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				wins++
			case errors.Is(err, lost):
				losses++
			default:
				t.Errorf("racing write: %v", err)
			}
		})
	}
	wg.Wait()
	if wins != 1 || losses != n-1 {
		t.Errorf("%d wins and %d losses (%v), want 1 and %d", wins, losses, lost, n-1)
	}
}
