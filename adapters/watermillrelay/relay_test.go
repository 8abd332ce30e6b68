package watermillrelay_test

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"testing"
	"time"

	esmemory "github.com/ticketengine/ticketengine/adapters/eventstore/memory"

	"github.com/ticketengine/ticketengine/adapters/readmodel/memory"
	"github.com/ticketengine/ticketengine/adapters/watermillrelay"
	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/projections"
	"github.com/ticketengine/ticketengine/projections/readmodeltest"
)

func TestEncodeDecode(t *testing.T) {
	w := readmodeltest.Random(t, esmemory.New(), 1, 3, 10)
	for _, rec := range w.All(t) {
		m, err := watermillrelay.Encode(rec)
		if err != nil {
			t.Fatal(err)
		}
		if m.UUID != rec.ID.String() || m.Metadata.Get("type") != rec.Type || m.Metadata.Get("stream") != rec.Stream ||
			m.Metadata.Get("position") == "" || m.Metadata.Get("version") == "" || m.Metadata.Get("occurred_at") != rec.Meta.OccurredAt.Format(application.TimeFormat) {
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
	w := readmodeltest.Random(t, esmemory.New(), 3, 50, 500)
	store := memory.New()
	for round := range 2 {
		runLive(t, w, store, round)
	}
	if a, b := readmodeltest.Dump(t, store, w), readmodeltest.Dump(t, readmodeltest.Rebuilt(t, func(*testing.T) projections.Store { return memory.New() }, w), w); a != b {
		t.Fatal("the relay-fed read model differs from a rebuild")
	}
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
	deadline := time.Now().Add(10 * time.Second)
	for {
		pos, err := store.Checkpoint(ctx, projections.KPI)
		if err != nil {
			t.Fatal(err)
		}
		if pos == head {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("round %d: projections reached %d of %d", round, pos, head)
		}
		time.Sleep(10 * time.Millisecond)
	}
	lags, err := svc.Lag(ctx)
	if err != nil || len(lags) != 4 || lags[0].Events != 0 {
		t.Fatalf("lag %+v %v", lags, err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
