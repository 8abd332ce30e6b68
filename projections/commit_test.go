package projections

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// gateWriter is a Writer whose commits wait for a gate (when set) and fail while fail
// is set; it records the batches and the loads it saw.
type gateWriter struct {
	mu      sync.Mutex
	start   uint64
	entered chan struct{}
	gate    chan struct{}
	fail    bool
	commits [][]Batch
	loads   int
}

func (w *gateWriter) Checkpoint(ctx context.Context, name string) (uint64, error) {
	return w.start, nil
}

func (w *gateWriter) Load(ctx context.Context, name string, ids []uuid.UUID) (Batch, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.loads++
	return Batch{Projection: name}, nil
}

func (w *gateWriter) Commit(ctx context.Context, b []Batch) error {
	if w.entered != nil {
		w.entered <- struct{}{}
	}
	if w.gate != nil {
		<-w.gate
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.fail {
		return errors.New("store unreachable")
	}
	w.commits = append(w.commits, b)
	return nil
}

// received is the first record of a new ticket's stream at position pos.
func received(t *testing.T, pos uint64) eventlog.Record {
	id := uuid.New()
	data, err := json.Marshal(domain.TicketReceived{TicketID: id, Number: "TK-1", Subject: "s",
		Priority: domain.P3, Team: "support", Customer: domain.Customer{ID: "c", Tier: domain.TierStandard}})
	if err != nil {
		t.Fatal(err)
	}
	return eventlog.Record{ID: uuid.New(), Stream: eventlog.TicketStreamPrefix + id.String(),
		Version: 0, Position: pos, Type: domain.TypeTicketReceived, Data: data,
		Meta: eventlog.Metadata{OccurredAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}}
}

func progressOf(e *Engine, name string) Progress {
	for _, p := range e.Progress() {
		if p.Name == name {
			return p
		}
	}
	return Progress{}
}

// While a commit is in flight, Handle keeps applying; the next commit carries the rest.
func TestHandleAppliesWhileCommitting(t *testing.T) {
	ctx := context.Background()
	w := &gateWriter{entered: make(chan struct{}), gate: make(chan struct{})}
	e, err := NewEngine(ctx, w, Queues)
	if err != nil {
		t.Fatal(err)
	}
	e.MaxPending = 1000
	if err := e.Handle(ctx, received(t, 1)); err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	go func() { done <- e.Flush(ctx) }()
	<-w.entered // the commit of position 1 is in the store now
	if err := e.Handle(ctx, received(t, 2)); err != nil {
		t.Fatal(err)
	}
	if p := progressOf(e, Queues); p.Applied != 2 || p.Committed != 0 {
		t.Fatalf("during the commit: %+v", p)
	}
	close(w.gate)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if p := progressOf(e, Queues); p.Applied != 2 || p.Committed != 1 {
		t.Fatalf("after the first commit: %+v", p)
	}
	w.entered = nil
	if err := e.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if len(w.commits) != 2 || len(w.commits[0][0].Rows) != 1 || len(w.commits[1][0].Rows) != 1 ||
		w.commits[1][0].Position != 2 || ticketOf(w.commits[0][0], 0).ID == ticketOf(w.commits[1][0], 0).ID {
		t.Fatalf("commits %+v", w.commits)
	}
}

// A failed commit leaves its rows pending: the next commit writes them with the newer ones.
func TestFailedCommitKeepsRows(t *testing.T) {
	ctx := context.Background()
	w := &gateWriter{start: 0, fail: true}
	e, err := NewEngine(ctx, w, Portal)
	if err != nil {
		t.Fatal(err)
	}
	check := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	check(e.Handle(ctx, received(t, 1)))
	if err := e.Flush(ctx); err == nil {
		t.Fatal("a failed commit reported no error")
	}
	check(e.Handle(ctx, received(t, 2)))
	w.fail = false
	check(e.Flush(ctx))
	if len(w.commits) != 1 || len(w.commits[0][0].Rows) != 2 || w.commits[0][0].Position != 2 {
		t.Fatalf("commits %+v", w.commits)
	}
	if p := progressOf(e, Portal); p.Committed != 2 {
		t.Fatalf("progress %+v", p)
	}
}

// A record that starts its stream needs no Load, even when the cache is not complete.
func TestNewStreamIsNotLoaded(t *testing.T) {
	ctx := context.Background()
	w := &gateWriter{start: 10}
	e, err := NewEngine(ctx, w, Queues, KPI)
	if err != nil {
		t.Fatal(err)
	}
	for pos := uint64(11); pos < 15; pos++ {
		if err := e.Handle(ctx, received(t, pos)); err != nil {
			t.Fatal(err)
		}
	}
	if w.loads != 0 {
		t.Fatalf("%d loads for new streams", w.loads)
	}
}

// After a live commit, the next record of a ticket folds onto the cached row: no Load.
func TestCommitKeepsRecentRows(t *testing.T) {
	ctx := context.Background()
	w := &gateWriter{start: 10}
	e, err := NewEngine(ctx, w, Queues)
	if err != nil {
		t.Fatal(err)
	}
	first := received(t, 11)
	if err := e.Handle(ctx, first); err != nil {
		t.Fatal(err)
	}
	if err := e.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(domain.TicketClassified{Category: "billing", Priority: domain.P2, Team: "support"})
	if err != nil {
		t.Fatal(err)
	}
	second := first
	second.ID, second.Version, second.Position, second.Type, second.Data = uuid.New(), 1, 12, domain.TypeTicketClassified, data
	if err := e.Handle(ctx, second); err != nil {
		t.Fatal(err)
	}
	if err := e.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if w.loads != 0 {
		t.Fatalf("%d loads for a row the engine had just committed", w.loads)
	}
	if b := w.commits[1][0]; len(b.Rows) != 1 || ticketOf(b, 0).Version != 1 || ticketOf(b, 0).Category != "billing" {
		t.Fatalf("second commit %+v", b)
	}
}

// ticketOf is row i of a queues or portal batch.
func ticketOf(b Batch, i int) *domain.TicketState { return b.Rows[i].(*domain.TicketState) }
