package pgstore

import (
	"context"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/adapters/postgrestest"

	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/application/eventstoretest"
)

// TestSubscribeFollowsOtherProcessAcrossReconnect: a subscription on one store sees the
// appends of another store (another process) only through LISTEN/NOTIFY here, since its
// safety timer is set far beyond the test. Its listener's connection is then killed, an
// event appended while it is down, and one after: both must arrive.
func TestSubscribeFollowsOtherProcessAcrossReconnect(t *testing.T) {
	s1, dsn := openClosing(t)
	s1.safety = time.Hour
	ctx, cancel := context.WithCancel(testCtx(t))
	defer cancel()
	s2 := must(Open(ctx, dsn))(t)
	defer s2.Close()
	got := make(chan eventlog.Record, 10)
	go func() {
		_ = s1.Subscribe(ctx, 0, func(_ context.Context, r eventlog.Record) error {
			got <- r
			return nil
		})
	}()
	stream := eventstoretest.NewStreamName()
	prev := ""
	appendOne := func(version int64) eventlog.Record {
		recs := eventstoretest.MakeRecords(t, stream, version+1, prev, 1)
		out := must(s2.Append(ctx, stream, version, recs))(t)
		prev = out[0].Hash
		return out[0]
	}
	expect := func(want eventlog.Record) {
		t.Helper()
		select {
		case r := <-got:
			if r.ID != want.ID {
				t.Fatalf("got %s@%d, want %s@%d", r.ID, r.Position, want.ID, want.Position)
			}
		case <-time.After(15 * time.Second):
			t.Fatalf("%s@%d never arrived", want.ID, want.Position)
		}
	}
	expect(appendOne(eventlog.NoStream))
	pid := waitForListener(t, s1, 0)
	admin := postgrestest.Connect(t)
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, `SELECT pg_terminate_backend($1)`, int32(pid)); err != nil {
		t.Fatal(err)
	}
	expect(appendOne(0)) // appended while the listener is down or reconnecting
	waitForListener(t, s1, pid)
	expect(appendOne(1))
}

// waitForListener waits until the store's listener is connected on a backend other than
// old, and returns its process id.
func waitForListener(t *testing.T, s *Store, old uint32) uint32 {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if pid := s.listenPID.Load(); pid != 0 && pid != old {
			return pid
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("the listener did not connect")
	return 0
}
