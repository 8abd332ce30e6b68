package eventstoretest

import (
	"errors"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/eventlog"
)

// testEveryKindIsKept: a stream of every registered kind (application/eventlog/streams.go) is
// appended, read back whole, and delivered by a subscription. A kind added to the
// registry is covered here without a new test; a store whose filters keep a list of
// their own (EventStoreDB's subscription did) fails.
func testEveryKindIsKept(t *testing.T, s eventlog.EventStore) {
	closeAtEnd(t, s)
	ctx := ctxFor(t)
	kinds := eventlog.StreamKinds()
	var want []eventlog.Record
	for _, k := range kinds {
		stream := k.Stream(k.ID.Example())
		want = append(want, mustAppend(t, s, stream, eventlog.NoStream, MakeRecords(t, stream, 0, "", 1))...)
	}
	all, err := s.ReadAll(ctx, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != len(want) {
		t.Fatalf("read-all gave %d records, want one per registered kind (%d)", len(all), len(want))
	}
	for i := range want {
		if all[i].ID != want[i].ID || all[i].Stream != want[i].Stream {
			t.Errorf("read-all %d: %s of %s, want %s of %s", i, all[i].ID, all[i].Stream, want[i].ID, want[i].Stream)
		}
	}
	select {
	case got := <-collect(ctx, s, len(want)):
		for i := range want {
			if got[i].ID != want[i].ID {
				t.Errorf("subscription %d: %s of %s, want %s of %s", i, got[i].ID, got[i].Stream, want[i].ID, want[i].Stream)
			}
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the subscription did not deliver one record of every registered kind")
	}
}

// testUnregisteredStreamRefused: an append to a stream of no registered kind, or with an
// id not of its kind's form, is refused with eventlog.ErrStreamName and writes
// nothing, instead of being stored where a filtered reader would never see it.
func testUnregisteredStreamRefused(t *testing.T, s eventlog.EventStore) {
	closeAtEnd(t, s)
	ctx := ctxFor(t)
	for _, stream := range []string{
		"orders-1",           // another application's stream
		"tickets-archive",    // close to a prefix, not one
		"ticket-",            // a bare prefix
		"ticket-not-a-uuid",  // the kind's id form is a UUID
		"notifications-Mail", // a word, lower case
	} {
		_, err := s.Append(ctx, stream, eventlog.NoStream, MakeRecords(t, stream, 0, "", 1))
		if !errors.Is(err, eventlog.ErrStreamName) || !errors.Is(err, application.ErrInvalid) {
			t.Errorf("append to %q: %v, want ErrStreamName (an ErrInvalid)", stream, err)
		}
	}
	if all, err := s.ReadAll(ctx, 0, 10); err != nil || len(all) != 0 {
		t.Errorf("refused appends left %d records (%v)", len(all), err)
	}
}
