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

	"github.com/ticketengine/ticketengine/adapters/readmodel/memreadmodel"
	"github.com/ticketengine/ticketengine/adapters/watermillrelay"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/projections"
	"github.com/ticketengine/ticketengine/projections/readmodeltest"
)

func TestEncodeDecode(t *testing.T) {
	w := readmodeltest.Random(t, memstore.New(), 1, 3, 10)
	for _, rec := range w.All(t) {
		m, err := watermillrelay.Encode(rec)
		if err != nil {
			t.Fatal(err)
		}
		if m.UUID != rec.ID.String() || m.Metadata.Get("type") != rec.Type || m.Metadata.Get("stream") != rec.Stream ||
			m.Metadata.Get("position") == "" || m.Metadata.Get("version") == "" || m.Metadata.Get("occurred_at") != rec.Meta.OccurredAt.Format(eventlog.TimeFormat) {
			t.Fatalf("message %s metadata %v for record %+v", m.UUID, m.Metadata, rec)
		}
		back, err := watermillrelay.Decode(m)
		if err != nil || back.Hash != rec.Hash || back.Position != rec.Position || string(back.Data) != string(rec.Data) {
			t.Fatalf("decoded %+v, %v", back, err)
		}
		m.Metadata.Set("position", "999999")
		if _, err := watermillrelay.Decode(m); err == nil {
			t.Fatal("a message that does not match its metadata was decoded")
		}
	}
}

// TestRelayFeedsProjections: a history written before the start and one written while
// the relay runs both reach the projections through the GoChannel bus, and the read
// models end equal to a rebuild; a restart goes on from the checkpoint.
func TestRelayFeedsProjections(t *testing.T) {
	w := readmodeltest.Random(t, memstore.New(), 3, 50, 500)
	store := memreadmodel.New()
	for round := range 2 {
		runLive(t, w, store, round)
	}
	readmodeltest.AssertSameAsRebuilt(t, store, memStore, w, "the relay-fed read model")
}

func runLive(t *testing.T, w *readmodeltest.World, store projections.Store, round int) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	engine, err := projections.NewEngine(ctx, store)
	if err != nil {
		t.Fatal(err)
	}
	svc := projections.NewService(w.Events, store, engine, w.Clock)
	bus := watermillrelay.NewGoChannel(slog.Default())
	defer bus.Close()
	done := make(chan error, 1)
	go func() { done <- watermillrelay.Run(ctx, w.Events, bus, engine, svc, slog.Default()) }()
	rng := rand.New(rand.NewPCG(uint64(round), 1))
	for range 200 {
		w.RandomCommand(t, rng)
	}
	head := uint64(len(w.All(t)))
	relaytest.WaitCaughtUp(t, store, head, 10*time.Second)
	lags, err := svc.Lag(ctx)
	if err != nil || len(lags) != len(projections.Names()) || lags[0].Events != 0 {
		t.Fatalf("lag %+v %v", lags, err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// checkedPub is the GoChannel's publisher, which returns once the consumer has acked:
// it counts acked messages whose record the engine had not applied by then.
type checkedPub struct {
	message.Publisher
	engine    *projections.Engine
	acked     atomic.Int64
	unapplied atomic.Int64
}

func (c *checkedPub) Publish(topic string, msgs ...*message.Message) error {
	err := c.Publisher.Publish(topic, msgs...)
	if err != nil {
		return err
	}
	for _, m := range msgs {
		pos, _ := strconv.ParseUint(m.Metadata.Get(watermillrelay.MetaPosition), 10, 64)
		c.acked.Add(1)
		if c.engine.Position() < pos {
			c.unapplied.Add(1)
		}
	}
	return nil
}

// TestBatchesAckOnlyApplied: an engine restarted from a stored checkpoint follows a
// backlog and then live records over the GoChannel bus. The backlog is applied in runs
// read ahead from the store (far fewer row loads than records); loads fail for a while
// (one projection, then all), so runs fail mid-way and are retried; and no message is
// acked before its record is applied. The read model ends equal to a rebuild.
func TestBatchesAckOnlyApplied(t *testing.T) {
	w := readmodeltest.Random(t, memstore.New(), 5, 80, 1200)
	recs := w.All(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	store, cw, engine := restartedEngine(t, ctx, recs)
	bus := watermillrelay.NewGoChannel(slog.New(slog.DiscardHandler))
	defer bus.Close()
	pub := &checkedPub{Publisher: bus.Pub, engine: engine}
	bus.Pub = pub
	cw.SetFail(projections.KPI) // mid-run: queues and portal apply, kpi does not
	done := make(chan error, 1)
	go func() { done <- watermillrelay.Run(ctx, w.Events, bus, engine, nil, slog.New(slog.DiscardHandler)) }()
	time.Sleep(150 * time.Millisecond)
	cw.SetFail("*")
	time.Sleep(150 * time.Millisecond)
	if n := pub.acked.Load(); n != 0 {
		t.Fatalf("%d messages acked while every run failed", n)
	}
	cw.SetFail("")
	rng := rand.New(rand.NewPCG(5, 5))
	for range 100 {
		w.RandomCommand(t, rng)
	}
	head := uint64(len(w.All(t)))
	relaytest.WaitCaughtUp(t, store, head, 10*time.Second)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n := pub.unapplied.Load(); n != 0 {
		t.Fatalf("%d of %d messages were acked before their record was applied", n, pub.acked.Load())
	}
	backlog := len(recs) - len(recs)/3
	// Row by row it takes one load per ticket the backlog touches (~80); in runs of up to
	// FollowAhead records, one per run, and rows stay cached after.
	if loads := cw.LoadCount(projections.Queues); loads == 0 || loads > 10 {
		t.Fatalf("%d queue row loads for a backlog of %d records and 100 commands: not applied in runs", loads, backlog)
	}
	readmodeltest.AssertSameAsRebuilt(t, store, memStore, w, "the read model followed in runs")
}

// restartedEngine returns a memory store that a first engine filled with the first third
// of recs, and a new engine over it (nothing cached: its rows are loaded) writing through
// a counting writer whose loads the test can make fail.
func restartedEngine(t *testing.T, ctx context.Context, recs []eventlog.Record) (*memreadmodel.Store, *readmodeltest.CountingWriter, *projections.Engine) {
	t.Helper()
	store := memreadmodel.New()
	first, err := projections.NewEngine(ctx, store)
	if err != nil {
		t.Fatal(err)
	}
	if err := first.Apply(ctx, recs[:len(recs)/3]); err != nil {
		t.Fatal(err)
	}
	if err := first.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	cw := readmodeltest.NewCountingWriter(store)
	engine, err := projections.NewEngine(ctx, cw)
	if err != nil {
		t.Fatal(err)
	}
	return store, cw, engine
}

// memStore is the Factory of the relay tests' read models.
func memStore(*testing.T) projections.Store { return memreadmodel.New() }
