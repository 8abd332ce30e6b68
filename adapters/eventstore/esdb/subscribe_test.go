package esdb_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/ticketengine/ticketengine/adapters/eventstore/esdb"
	"github.com/ticketengine/ticketengine/adapters/eventstore/esdb/esdbtest"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/application/eventstoretest"
)

// subscriber runs Subscribe in the background and hands over what it delivers.
type subscriber struct {
	got  chan eventlog.Record
	done chan error
}

func subscribe(t *testing.T, s *esdb.Store, after uint64) *subscriber {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	sub := &subscriber{got: make(chan eventlog.Record, 100), done: make(chan error, 1)}
	go func() {
		sub.done <- s.Subscribe(ctx, after, func(_ context.Context, r eventlog.Record) error {
			sub.got <- r
			return nil
		})
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-sub.done:
			if !errors.Is(err, context.Canceled) {
				t.Errorf("subscription ended with %v, want context.Canceled", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("subscription did not end with its context")
		}
	})
	return sub
}

// expect checks that the next deliveries are exactly want, in order.
func (sub *subscriber) expect(t *testing.T, want []eventlog.Record) {
	t.Helper()
	for _, w := range want {
		select {
		case r := <-sub.got:
			if r.ID != w.ID || r.Position != w.Position {
				t.Fatalf("delivered %s v%d @%d, want %s v%d @%d", r.ID, r.Version, r.Position, w.ID, w.Version, w.Position)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s v%d @%d was not delivered", w.ID, w.Version, w.Position)
		}
	}
}

// expectNothing checks that nothing more is delivered for a moment.
func (sub *subscriber) expectNothing(t *testing.T) {
	t.Helper()
	select {
	case r := <-sub.got:
		t.Fatalf("unexpected delivery %s v%d @%d", r.ID, r.Version, r.Position)
	case <-time.After(200 * time.Millisecond):
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// idleSubscription runs Subscribe from the start, with a handler that does nothing, on
// a store of a new server; it returns once the server counts the subscription, with the
// channel Subscribe's result will arrive on.
func idleSubscription(t *testing.T) (*esdbtest.Server, *esdb.Store, <-chan error) {
	t.Helper()
	srv := esdbtest.Start(t)
	s := open(t, srv.ConnectionString())
	done := make(chan error, 1)
	go func() {
		done <- s.Subscribe(context.Background(), 0, func(context.Context, eventlog.Record) error { return nil })
	}()
	waitFor(t, "the subscription to start", func() bool { return srv.Subscriptions() == 1 })
	return srv, s, done
}

func appendN(t *testing.T, s *esdb.Store, stream string, prev []eventlog.Record, n int) []eventlog.Record {
	t.Helper()
	expected, prevHash := eventlog.NoStream, ""
	if len(prev) > 0 {
		expected, prevHash = prev[len(prev)-1].Version, prev[len(prev)-1].Hash
	}
	out, err := s.Append(context.Background(), stream, expected, eventstoretest.MakeRecords(t, stream, expected+1, prevHash, n))
	if err != nil {
		t.Fatalf("append: %v", err)
	}
	return out
}

// TestSubscribeResumesAfterDrop: the server drops a live subscription (as on a restart
// or leader change); events written while it is gone are delivered after it resumes,
// none lost and none twice.
func TestSubscribeResumesAfterDrop(t *testing.T) {
	for _, code := range []codes.Code{codes.Unavailable, codes.Aborted} {
		t.Run(code.String(), func(t *testing.T) {
			srv := esdbtest.Start(t)
			s := open(t, srv.ConnectionString())
			stream := eventstoretest.NewStreamName()
			first := appendN(t, s, stream, nil, 3)
			sub := subscribe(t, s, 0)
			sub.expect(t, first)
			waitFor(t, "the subscription to go live", func() bool { return srv.Subscriptions() == 1 })
			if n := srv.DropSubscriptions(status.Error(code, "dropped by the test")); n != 1 {
				t.Fatalf("dropped %d subscriptions, want 1", n)
			}
			during := appendN(t, s, stream, first, 2)
			sub.expect(t, during)
			after := appendN(t, s, stream, during, 2)
			sub.expect(t, after)
			sub.expectNothing(t)
			if st := srv.Stats(); st.Subscriptions < 2 {
				t.Errorf("server saw %d subscriptions; the adapter did not subscribe again", st.Subscriptions)
			}
		})
	}
}

// TestSubscribeDropsResentEvents: a server that resends events at or before the resume
// position (at-least-once) must not make the adapter deliver them twice, neither at the
// start position nor after a drop.
func TestSubscribeDropsResentEvents(t *testing.T) {
	srv := esdbtest.Start(t)
	srv.SetRewind(2)
	s := open(t, srv.ConnectionString())
	stream := eventstoretest.NewStreamName()
	first := appendN(t, s, stream, nil, 4)
	sub := subscribe(t, s, first[1].Position)
	sub.expect(t, first[2:])
	waitFor(t, "the subscription to go live", func() bool { return srv.Subscriptions() == 1 })
	srv.DropSubscriptions(status.Error(codes.Unavailable, "dropped by the test"))
	more := appendN(t, s, stream, first, 3)
	sub.expect(t, more)
	sub.expectNothing(t)
}

// TestSubscribeSurvivesRepeatedDrops: drops in a row, some while catching up, lose
// nothing; the backoff keeps the retries from spinning.
func TestSubscribeSurvivesRepeatedDrops(t *testing.T) {
	srv := esdbtest.Start(t)
	s := open(t, srv.ConnectionString())
	stream := eventstoretest.NewStreamName()
	var all []eventlog.Record
	all = append(all, appendN(t, s, stream, nil, 2)...)
	sub := subscribe(t, s, 0)
	sub.expect(t, all)
	for range 5 {
		waitFor(t, "a live subscription", func() bool { return srv.Subscriptions() == 1 })
		srv.DropSubscriptions(status.Error(codes.Unavailable, "dropped by the test"))
		batch := appendN(t, s, stream, all, 3)
		all = append(all, batch...)
		sub.expect(t, batch)
	}
	sub.expectNothing(t)
}

// TestSubscribeEndsWhenRefused: a server that drops the subscription for lack of rights
// ends Subscribe with that error instead of a retry loop.
func TestSubscribeEndsWhenRefused(t *testing.T) {
	srv, _, done := idleSubscription(t)
	srv.DropSubscriptions(status.Error(codes.PermissionDenied, "access denied"))
	select {
	case err := <-done:
		if status.Code(errors.Unwrap(err)) != codes.PermissionDenied {
			t.Errorf("Subscribe ended with %v, want the PermissionDenied", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Subscribe kept retrying after the server refused it")
	}
}
