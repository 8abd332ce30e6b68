package pgreadmodel_test

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/adapters/eventstore/memstore"

	"github.com/google/uuid"
	"github.com/nats-io/nats.go"

	"github.com/ticketengine/ticketengine/adapters/watermillrelay"
	"github.com/ticketengine/ticketengine/projections"
	"github.com/ticketengine/ticketengine/projections/readmodeltest"
)

func natsURL() string {
	if u := os.Getenv("TICKETS_TEST_NATS"); u != "" {
		return u
	}
	return "nats://127.0.0.1:4222"
}

// TestTwoProcessesOneDatabase: two processes project into the same PostgreSQL tables,
// each fed by its own relay over one JetStream stream on the real NATS server, while
// commands keep coming. Rows only ever move to newer versions and checkpoints only
// forward, so the tables end equal to a rebuild.
func TestTwoProcessesOneDatabase(t *testing.T) {
	conn, err := nats.Connect(natsURL(), nats.Timeout(3*time.Second))
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("NATS unreachable at %s: %v", natsURL(), err)
		}
		t.Skipf("NATS unreachable at %s: %v", natsURL(), err)
	}
	topic := "te_test_" + strings.ReplaceAll(uuid.NewString()[:13], "-", "")
	t.Cleanup(func() {
		if js, err := conn.JetStream(); err == nil {
			_ = js.DeleteStream(topic)
		}
		conn.Close()
	})
	store, _ := newStore(t)
	w := readmodeltest.Random(t, memstore.New(), 31, 40, 300)
	rng := rand.New(rand.NewPCG(31, 1))
	ctx, cancel := context.WithCancel(context.Background())
	var done []chan error
	for range 2 {
		engine, err := projections.NewEngine(ctx, store)
		if err != nil {
			t.Fatal(err)
		}
		engine.MaxPending = 7 // commit often, so the two processes' commits interleave
		bus, err := watermillrelay.NewJetStream(ctx, natsURL(), topic, slog.Default())
		if err != nil {
			t.Fatal(err)
		}
		defer bus.Close()
		ch := make(chan error, 1)
		go func() { ch <- watermillrelay.Run(ctx, w.Events, bus, engine, nil, slog.Default()) }()
		done = append(done, ch)
		for range 100 {
			w.RandomCommand(t, rng)
		}
	}
	for range 100 {
		w.RandomCommand(t, rng)
	}
	head := uint64(len(w.All(t)))
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		low := head
		for _, n := range projections.Names() {
			pos, _ := store.Checkpoint(ctx, n)
			low = min(low, pos)
		}
		if low == head {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the read models reached %d of %d", low, head)
		}
	}
	time.Sleep(100 * time.Millisecond) // the slower process's last commits
	cancel()
	for _, ch := range done {
		if err := <-ch; err != nil {
			t.Fatal(err)
		}
	}
	rebuilt := readmodeltest.Rebuilt(t, func(t *testing.T) projections.Store { s, _ := newStore(t); return s }, w)
	if readmodeltest.Dump(t, store, w) != readmodeltest.Dump(t, rebuilt, w) {
		t.Fatal("two processes projecting into one database differ from a rebuild")
	}
}
