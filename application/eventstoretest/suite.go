// Package eventstoretest is the executable contract of eventlog.EventStore: every
// adapter's tests call Run with a factory for fresh, empty stores.
package eventstoretest

import (
	"context"
	"encoding/json"
	"fmt"
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
