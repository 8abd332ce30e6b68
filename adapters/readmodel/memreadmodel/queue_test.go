package memreadmodel_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/adapters/readmodel/memreadmodel"
	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections"
)

// The queue index follows a ticket out when it resolves or closes and back in when it
// reopens, and the agent's open count with it; Load and RowVersion still see the closed
// row (the engine folds a reopen onto it). A stale commit moves nothing.
func TestQueueIndexFollowsStatus(t *testing.T) {
	ctx := context.Background()
	s := memreadmodel.New()
	agent, id := uuid.New(), uuid.New()
	commit := func(v int64, st domain.Status) {
		t.Helper()
		row := domain.TicketState{ID: id, Version: v, Status: st, Assignee: agent, CreatedAt: time.Unix(0, 0)}
		b := projections.Batch{Projection: projections.Queues, Position: uint64(v + 1), Rows: []projections.Row{&row}}
		if err := s.Commit(ctx, []projections.Batch{b}); err != nil {
			t.Fatal(err)
		}
	}
	expect := func(what string, open bool) {
		t.Helper()
		got, err := s.OpenTickets(ctx, projections.QueueFilter{Assignee: agent})
		if err != nil {
			t.Fatal(err)
		}
		if (len(got) == 1) != open || len(got) > 1 {
			t.Fatalf("%s: queue %v, want open %v", what, got, open)
		}
		n := 0
		if open {
			n = 1
		}
		if row, _, err := s.Agent(ctx, agent); err != nil || row.OpenTickets != n {
			t.Fatalf("%s: agent's open tickets %d (%v), want %d", what, row.OpenTickets, err, n)
		}
	}
	commit(0, domain.StatusAssigned)
	expect("assigned", true)
	commit(1, domain.StatusResolved)
	expect("resolved", false)
	commit(0, domain.StatusAssigned) // stale
	expect("after a stale commit", false)
	if v, err := s.RowVersion(ctx, projections.Queues, id); err != nil || v != 1 {
		t.Fatalf("row version of the resolved ticket %d (%v)", v, err)
	}
	if b, err := s.Load(ctx, projections.Queues, []uuid.UUID{id}); err != nil || len(b.Rows) != 1 {
		t.Fatalf("load of the resolved ticket: %+v (%v)", b, err)
	}
	commit(2, domain.StatusAssigned) // reopened
	expect("reopened", true)
	commit(3, domain.StatusResolved)
	commit(4, domain.StatusClosed)
	expect("closed", false)
}

// The store keeps KPI facts in its own form (fact, the state shared by pointer); a field
// added to projections.KPIFact must be carried there too, in toFact and kpi.
func TestFactCarriesEveryKPIField(t *testing.T) {
	if n := reflect.TypeFor[projections.KPIFact]().NumField(); n != 12 {
		t.Fatalf("projections.KPIFact has %d fields, memory's fact carries 12: update facts.go", n)
	}
}
