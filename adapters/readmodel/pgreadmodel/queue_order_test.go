package pgreadmodel_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ticketengine/ticketengine/adapters/readmodel/pgreadmodel"
	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/migrations"
	"github.com/ticketengine/ticketengine/projections"
)

var orderEpoch = time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)

// waitingStates are open tickets of two teams, one in three waiting, with due times
// before and after their wait began, clocks met or running (a randomized history rarely
// leaves a ticket waiting with a clock still ahead, which is what moves in the queue).
func waitingStates(n int) []projections.Row {
	r := rand.New(rand.NewPCG(5, 8))
	at := func() time.Time { return orderEpoch.Add(time.Duration(r.IntN(48*60)-24*60) * time.Minute) }
	statuses := []domain.Status{domain.StatusAssigned, domain.StatusEscalated, domain.StatusWaiting}
	agent := uuid.New()
	rows := make([]projections.Row, n)
	for i := range rows {
		s := &domain.TicketState{ID: uuid.New(), Number: fmt.Sprintf("TK-%d", i), Status: statuses[r.IntN(3)], CreatedAt: at(),
			UpdatedAt: orderEpoch, Team: []string{"support", "billing"}[r.IntN(2)],
			Priority: []domain.Priority{domain.P1, domain.P2, domain.P3}[r.IntN(3)]}
		s.SLA.FirstResponseDue, s.SLA.ResolutionDue = at(), at()
		if r.IntN(3) == 0 {
			s.FirstRespondedAt = at()
		}
		if s.Status == domain.StatusWaiting {
			s.WaitingSince = at()
		}
		if r.IntN(2) == 0 {
			s.Assignee = agent
		}
		rows[i] = s
	}
	slices.SortFunc(rows, func(a, b projections.Row) int {
		x, y := a.(*domain.TicketState).ID, b.(*domain.TicketState).ID
		return bytes.Compare(x[:], y[:])
	})
	return rows
}

// newOrderStore is a store holding waitingStates(n), and its pool.
func newOrderStore(t *testing.T, n int) (*pgreadmodel.Store, *pgxpool.Pool, []projections.Row) {
	s, pool := newStore(t)
	rows := waitingStates(n)
	if err := s.Commit(context.Background(), []projections.Batch{{Projection: projections.Queues, Position: 1, Rows: rows}}); err != nil {
		t.Fatal(err)
	}
	return s, pool, rows
}

// TestQueuePagesWithMovingDueTimes: the pages read from the ordered indexes are
// SortQueue's order of the open tickets, for tickets whose due time moves while they
// wait, at moments before, during and after the waits, for filters that pick each index.
func TestQueuePagesWithMovingDueTimes(t *testing.T) {
	ctx := context.Background()
	s, _, rows := newOrderStore(t, 400)
	agent := uuid.Nil
	for _, r := range rows {
		if a := r.(*domain.TicketState).Assignee; a != uuid.Nil {
			agent = a
		}
	}
	yes := true
	for _, now := range []time.Time{orderEpoch.Add(-30 * time.Hour), orderEpoch, orderEpoch.Add(30 * time.Hour)} {
		for _, f := range []projections.QueueFilter{{}, {Team: "support"}, {Assignee: agent}, {ByDue: true},
			{Status: domain.StatusWaiting, Team: "billing"}, {Breached: &yes, Team: "support"}} {
			open, err := s.OpenTickets(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			want := projections.SortQueue(open, f, now)
			var got []domain.TicketState
			for offset := 0; ; offset += 30 {
				page, more, err := s.QueuePage(ctx, f, now, offset, 30)
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, page...)
				if !more {
					break
				}
			}
			if len(got) != len(want) {
				t.Fatalf("%+v at %s: %d tickets, want %d", f, now, len(got), len(want))
			}
			for i := range got {
				if got[i].ID != want[i].ID {
					t.Fatalf("%+v at %s: ticket %d differs from SortQueue's", f, now, i)
				}
			}
		}
	}
}

// TestQueueOrderBackfill: migration 00014 fills the queue order of the rows already
// there with the values the projection writes (projections.OrderOf): with tickets
// waiting and not, the columns are reset to their defaults, the migration's backfill
// runs, and every row has its projected values back.
func TestQueueOrderBackfill(t *testing.T) {
	ctx := context.Background()
	_, pool, _ := newOrderStore(t, 400)
	type order struct{ rank, due, moving int64 }
	read := func() map[uuid.UUID]order {
		rows, err := pool.Query(ctx, "SELECT ticket_id, queue_rank, queue_due, queue_moving FROM rm_queue_tickets")
		if err != nil {
			t.Fatal(err)
		}
		out := map[uuid.UUID]order{}
		for rows.Next() {
			var id uuid.UUID
			var o order
			if err := rows.Scan(&id, &o.rank, &o.due, &o.moving); err != nil {
				t.Fatal(err)
			}
			out[id] = o
		}
		return out
	}
	projected := read()
	moving := 0
	for _, o := range projected {
		if o.moving != projections.NoDue {
			moving++
		}
	}
	if len(projected) != 400 || moving < 20 {
		t.Fatalf("%d rows, %d with a moving due time: the rows do not cover waits", len(projected), moving)
	}
	src, err := migrations.ReadModel.ReadFile("readmodel/00014_queue_order.sql")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, _ := strings.Cut(string(src), "-- backfill begin")
	backfill, _, ok := strings.Cut(rest, "-- backfill end")
	if !ok {
		t.Fatal("migration 00014 has no backfill section")
	}
	if _, err := pool.Exec(ctx, "UPDATE rm_queue_tickets SET queue_rank = 5, queue_due = $1, queue_moving = $1", int64(projections.NoDue)); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, backfill, pgx.QueryExecModeSimpleProtocol); err != nil {
		t.Fatal(err)
	}
	for id, got := range read() {
		if want := projected[id]; got != want {
			t.Fatalf("ticket %s: backfilled %+v, projected %+v", id, got, want)
		}
	}
}

// TestQueuePageReadsOnlyItsRowsOnPostgres: with 10,000 open tickets, a page of 100 of a
// team's queue, an assignee's and the SLA watch's order reads its rows from the ordered
// indexes (no sequential scan, no sort of the queue): the rows the plan's scans return
// (EXPLAIN ANALYZE) are at most the page and the one after it, from each of the two
// orders.
func TestQueuePageReadsOnlyItsRowsOnPostgres(t *testing.T) {
	ctx := context.Background()
	s, pool, rows := newOrderStore(t, 10000)
	if _, err := pool.Exec(ctx, "ANALYZE rm_queue_tickets"); err != nil {
		t.Fatal(err)
	}
	agent := uuid.Nil
	for _, r := range rows {
		if a := r.(*domain.TicketState).Assignee; a != uuid.Nil {
			agent = a
		}
	}
	const n = 101
	for _, f := range []projections.QueueFilter{{Team: "support"}, {Assignee: agent}, {ByDue: true}, {}} {
		q, args := pgreadmodel.QueuePageQuery(s, f, orderEpoch, n)
		var plan []struct{ Plan planNode }
		if err := pool.QueryRow(ctx, "EXPLAIN (ANALYZE, FORMAT JSON) "+q, args...).Scan(&plan); err != nil {
			t.Fatal(err)
		}
		scanned, kinds := plan[0].Plan.scanned()
		if scanned > 2*n || strings.Contains(kinds, "Seq Scan") || strings.Contains(kinds, "Sort") {
			t.Fatalf("%+v: the plan's scans read %d rows (%s)", f, scanned, kinds)
		}
		t.Logf("%+v: %d rows read by %s", f, scanned, kinds)
	}
}

// planNode is a node of EXPLAIN's JSON plan.
type planNode struct {
	NodeType   string     `json:"Node Type"`
	ActualRows float64    `json:"Actual Rows"`
	Loops      float64    `json:"Actual Loops"`
	Plans      []planNode `json:"Plans"`
}

// scanned is the rows the plan's scans of the table returned (not those of a subquery
// passed on), and the kinds of its nodes.
func (p planNode) scanned() (int, string) {
	rows, kinds := 0, p.NodeType
	if strings.Contains(p.NodeType, "Scan") && p.NodeType != "Subquery Scan" {
		rows = int(p.ActualRows * max(p.Loops, 1))
	}
	for _, c := range p.Plans {
		r, k := c.scanned()
		rows, kinds = rows+r, kinds+", "+k
	}
	return rows, kinds
}
