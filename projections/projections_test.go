package projections

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

func TestStatsInterpolateLikePercentileCont(t *testing.T) {
	avg, p50, p90 := stats([]float64{4, 1, 3, 2})
	if *avg != 2.5 || *p50 != 2.5 || *p90 != 3.7 {
		t.Fatalf("avg %v p50 %v p90 %v", *avg, *p50, *p90)
	}
	if a, _, _ := stats(nil); a != nil {
		t.Fatal("stats of nothing is not null")
	}
}

func TestOpenAt(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	h := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Hour) }
	f := KPIFact{State: domain.TicketState{CreatedAt: h(0)}, Closed: []Period{{From: h(2), Until: h(3)}, {From: h(5)}}}
	for n, want := range map[int]bool{-1: false, 0: true, 1: true, 2: false, 3: true, 4: true, 5: false, 100: false} {
		if f.OpenAt(h(n)) != want {
			t.Errorf("open at +%dh: %v", n, !want)
		}
	}
}

func TestPortalShowsNoInternalNote(t *testing.T) {
	id := uuid.New()
	if _, ok := PortalEntryFor(id, 3, domain.TicketReplied{Body: "secret", Public: false}, time.Now()); ok {
		t.Fatal("an internal note reached the timeline")
	}
	if _, ok := PortalEntryFor(id, 3, domain.TicketEscalated{Team: "x", Reason: "why"}, time.Now()); ok {
		t.Fatal("an escalation reached the timeline")
	}
	e, ok := PortalEntryFor(id, 4, domain.TicketRated{Score: 4, Comment: "好"}, time.Now())
	if !ok || e.Kind != KindRating || e.Text != "4/5 好" {
		t.Fatalf("rating entry %+v", e)
	}
}

// nullWriter is a store that keeps nothing: enough to drive an engine.
type nullWriter struct{}

func (nullWriter) Checkpoint(context.Context, string) (uint64, error) { return 0, nil }
func (nullWriter) Load(_ context.Context, name string, _ []uuid.UUID) (Batch, error) {
	return Batch{Projection: name}, nil
}
func (nullWriter) Commit(context.Context, []Batch) error { return nil }

func TestGapIsRefusedAndDuplicateIgnored(t *testing.T) {
	ctx := context.Background()
	e, err := NewEngine(ctx, nullWriter{}, Queues)
	if err != nil {
		t.Fatal(err)
	}
	id := uuid.New()
	stream := eventlog.TicketStream(id)
	received, _ := json.Marshal(domain.TicketReceived{TicketID: id, Number: "TK-1", Customer: domain.Customer{Tier: domain.TierCore}})
	rec := func(pos uint64, v int64, typ string, data []byte) eventlog.Record {
		return eventlog.Record{ID: uuid.New(), Stream: stream, Version: v, Position: pos, Type: typ, Data: data}
	}
	if err := e.Handle(ctx, rec(1, 0, domain.TypeTicketReceived, received)); err != nil {
		t.Fatal(err)
	}
	if err := e.Handle(ctx, rec(1, 0, domain.TypeTicketReceived, received)); err != nil {
		t.Fatalf("a duplicate failed: %v", err)
	}
	err = e.Handle(ctx, rec(2, 2, domain.TypeTicketClosed, nil))
	if !errors.Is(err, ErrGap) {
		t.Fatalf("a skipped version gave %v", err)
	}
	if _, err := NewEngine(ctx, nullWriter{}, "search"); !errors.Is(err, application.ErrNotFound) {
		t.Fatalf("an unknown projection gave %v", err)
	}
}
