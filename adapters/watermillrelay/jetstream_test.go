package watermillrelay_test

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/ticketengine/ticketengine/adapters/eventstore/memstore"
	"github.com/ticketengine/ticketengine/adapters/watermillrelay/relaytest"

	"github.com/nats-io/nats.go"

	"github.com/ticketengine/ticketengine/adapters/readmodel/memreadmodel"
	"github.com/ticketengine/ticketengine/adapters/watermillrelay"
	"github.com/ticketengine/ticketengine/projections"
	"github.com/ticketengine/ticketengine/projections/readmodeltest"
)

// process is one ticketd's read side: its own memory read model, engine and bus.
type process struct {
	store *memreadmodel.Store
	done  chan error
	stop  context.CancelFunc
	bus   *watermillrelay.Bus
}

// startProcess catches up from the event store, then follows it over JetStream.
func startProcess(t *testing.T, w *readmodeltest.World, topic string) *process {
	ctx, cancel := context.WithCancel(context.Background())
	p := &process{store: memreadmodel.New(), done: make(chan error, 1), stop: cancel}
	engine, err := projections.NewEngine(ctx, p.store)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := engine.CatchUp(ctx, w.Events); err != nil {
		t.Fatal(err)
	}
	if p.bus, err = watermillrelay.NewJetStream(ctx, relaytest.NATSURL(), topic, slog.Default()); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- watermillrelay.Run(ctx, w.Events, p.bus, engine, nil, slog.Default()) }()
	return p
}

func (p *process) close(t *testing.T) {
	p.stop()
	if err := <-p.done; err != nil {
		t.Error(err)
	}
	_ = p.bus.Close()
}

// TestJetStreamAcrossProcesses: two processes share the event store and a JetStream
// stream on the real NATS server; one starts while the other is already relaying and
// commands keep coming. Both read models end equal to a rebuild from the event store.
func TestJetStreamAcrossProcesses(t *testing.T) {
	topic := relaytest.Topic(t)
	w := readmodeltest.Random(t, memstore.New(), 21, 40, 200)
	rng := rand.New(rand.NewPCG(21, 2))
	before := uint64(len(w.All(t))) // what A caught up with from the store: never published
	a := startProcess(t, w, topic)
	defer a.close(t)
	for range 150 {
		w.RandomCommand(t, rng)
	}
	b := startProcess(t, w, topic)
	defer b.close(t)
	for range 150 {
		w.RandomCommand(t, rng)
	}
	head := uint64(len(w.All(t)))
	relaytest.WaitCaughtUp(t, a.store, head, 20*time.Second)
	relaytest.WaitCaughtUp(t, b.store, head, 20*time.Second)
	readmodeltest.AssertSameAsRebuilt(t, a.store, memStore, w, "the first process's read model")
	readmodeltest.AssertSameAsRebuilt(t, b.store, memStore, w, "the second process's read model")
	// Each record published is in the stream once, although both relays published most of them.
	conn, _ := nats.Connect(relaytest.NATSURL())
	defer conn.Close()
	js, _ := conn.JetStream()
	var info *nats.StreamInfo
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		var err error
		if info, err = js.StreamInfo(topic); err != nil {
			t.Fatal(err)
		}
		if info.State.Msgs >= head-before || time.Now().After(deadline) {
			break
		}
	}
	if info.State.Msgs != head-before {
		t.Errorf("the stream holds %d messages for %d records published", info.State.Msgs, head-before)
	}
}

// ackWatch is a subscriber that, for every message it hands on, checks at the moment the
// consumer acks it that the engine has applied its record.
type ackWatch struct {
	message.Subscriber
	engine    *projections.Engine
	acked     atomic.Int64
	unapplied atomic.Int64
}

func (a *ackWatch) Subscribe(ctx context.Context, topic string) (<-chan *message.Message, error) {
	in, err := a.Subscriber.Subscribe(ctx, topic)
	if err != nil {
		return nil, err
	}
	out := make(chan *message.Message)
	go func() {
		defer close(out)
		for m := range in {
			pos, _ := strconv.ParseUint(m.Metadata.Get(watermillrelay.MetaPosition), 10, 64)
			go func() {
				select {
				case <-m.Acked():
					a.acked.Add(1)
					if a.engine.Position() < pos {
						a.unapplied.Add(1)
					}
				case <-ctx.Done():
				}
			}()
			select {
			case out <- m:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out, nil
}

// TestJetStreamBatches: the same as TestBatchesAckOnlyApplied over JetStream on the real
// NATS server: a restarted engine works off a backlog in runs read ahead from the store
// (the head position travels in the message headers), loads fail for a while, and no
// message is acked before its record is applied.
func TestJetStreamBatches(t *testing.T) {
	topic := relaytest.Topic(t)
	w := readmodeltest.Random(t, memstore.New(), 22, 80, 1200)
	recs := w.All(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	store, cw, engine := restartedEngine(t, ctx, recs)
	bus, err := watermillrelay.NewJetStream(ctx, relaytest.NATSURL(), topic, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer bus.Close()
	watch := &ackWatch{Subscriber: bus.Sub, engine: engine}
	bus.Sub = watch
	cw.SetFail(projections.KPI)
	done := make(chan error, 1)
	go func() { done <- watermillrelay.Run(ctx, w.Events, bus, engine, nil, slog.New(slog.DiscardHandler)) }()
	time.Sleep(300 * time.Millisecond)
	cw.SetFail("")
	rng := rand.New(rand.NewPCG(22, 5))
	for range 100 {
		w.RandomCommand(t, rng)
	}
	head := uint64(len(w.All(t)))
	relaytest.WaitCaughtUp(t, store, head, 20*time.Second)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if watch.acked.Load() == 0 || watch.unapplied.Load() != 0 {
		t.Fatalf("%d of %d messages were acked before their record was applied", watch.unapplied.Load(), watch.acked.Load())
	}
	if loads := cw.LoadCount(projections.Queues); loads == 0 || loads > 10 {
		t.Fatalf("%d queue row loads: the backlog was not applied in runs", loads)
	}
	readmodeltest.AssertSameAsRebuilt(t, store, memStore, w, "the read model followed in runs over JetStream")
}
