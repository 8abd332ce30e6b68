// Package relaytest holds what the tests and benchmarks of the relay and of the read-model
// stores behind it share: a JetStream stream of a test's own on the test NATS server, and
// the live-path benchmark every read-model store runs. It is imported only by tests.
package relaytest

import (
	"context"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/nats-io/nats.go"

	"github.com/ticketengine/ticketengine/adapters/watermillrelay"
	"github.com/ticketengine/ticketengine/projections"
	"github.com/ticketengine/ticketengine/projections/readmodeltest"
)

// NATSURL is the test server: TICKETS_TEST_NATS, or the local default.
func NATSURL() string {
	if u := os.Getenv("TICKETS_TEST_NATS"); u != "" {
		return u
	}
	return "nats://127.0.0.1:4222"
}

// Topic returns a stream of the test's own on the test server (deleted at the end),
// skipping the test when the server is unreachable, failing it when CI=true.
func Topic(t testing.TB) string {
	t.Helper()
	conn, err := nats.Connect(NATSURL(), nats.Timeout(3*time.Second))
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("NATS unreachable at %s: %v", NATSURL(), err)
		}
		t.Skipf("NATS unreachable at %s: %v", NATSURL(), err)
	}
	topic := "te_test_" + strings.ReplaceAll(uuid.NewString()[:13], "-", "")
	t.Cleanup(func() {
		if js, err := conn.JetStream(); err == nil {
			_ = js.DeleteStream(topic)
		}
		conn.Close()
	})
	return topic
}

// WaitCaughtUp waits until every projection's checkpoint in store has reached head, and
// fails the test when one has not within the given time or a checkpoint cannot be read.
func WaitCaughtUp(t testing.TB, store projections.Queries, head uint64, within time.Duration) {
	t.Helper()
	for deadline := time.Now().Add(within); ; time.Sleep(10 * time.Millisecond) {
		low := head
		for _, n := range projections.Names() {
			pos, err := store.Checkpoint(context.Background(), n)
			if err != nil {
				t.Fatal(err)
			}
			low = min(low, pos)
		}
		if low == head {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the read models reached %d of %d", low, head)
		}
	}
}

// LivePath measures the live path into the stores newStore makes: every event of w
// through the relay, the GoChannel bus (publish until acked) and the engine into a fresh
// store, until the last one is committed. The history is stored before the relay starts,
// so this is the rate at which the live path works off a backlog, the rate at which the
// read side keeps up with writers. Making the store, its engine and its bus is not timed.
func LivePath(b *testing.B, w *readmodeltest.World, newStore func(testing.TB) projections.Store) {
	head := uint64(len(w.All(b)))
	logger := slog.New(slog.DiscardHandler)
	events := 0
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		store := newStore(b)
		ctx, cancel := context.WithCancel(context.Background())
		engine, err := projections.NewEngine(ctx, store)
		if err != nil {
			b.Fatal(err)
		}
		bus := watermillrelay.NewGoChannel(logger)
		done := make(chan error, 1)
		b.StartTimer()
		go func() { done <- watermillrelay.Run(ctx, w.Events, bus, engine, nil, logger) }()
		for {
			pos, _ := store.Checkpoint(ctx, projections.Agents)
			if pos == head {
				break
			}
			time.Sleep(time.Millisecond)
		}
		b.StopTimer()
		cancel()
		if err := <-done; err != nil {
			b.Fatal(err)
		}
		_ = bus.Close()
		events += int(head)
	}
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
}
