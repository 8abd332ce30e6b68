package postgres_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/ticketengine/ticketengine/adapters/postgrestest"

	esmemory "github.com/ticketengine/ticketengine/adapters/eventstore/memory"
	"github.com/ticketengine/ticketengine/application"

	"github.com/ticketengine/ticketengine/adapters/readmodel/postgres"
	"github.com/ticketengine/ticketengine/projections"
	"github.com/ticketengine/ticketengine/projections/readmodeltest"
)

func TestConformance(t *testing.T) {
	readmodeltest.Run(t, func(t *testing.T) projections.Store {
		s, _ := newStore(t)
		return s
	}, func() application.EventStore { return esmemory.New() })
}

// TestMigrateTwice: migrating an up-to-date schema changes nothing.
func TestMigrateTwice(t *testing.T) {
	s, pool := newStore(t)
	var schema string
	if err := pool.QueryRow(context.Background(), "SELECT current_schema()").Scan(&schema); err != nil {
		t.Fatal(err)
	}
	if err := postgres.Migrate(context.Background(), postgrestest.DSN()+"&search_path="+schema); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Checkpoint(context.Background(), projections.Queues); err != nil {
		t.Fatal(err)
	}
}

// TestCommitIsAtomic: a live commit is one pipelined round trip; when a statement in it
// fails (here the last batch's timeline, a time PostgreSQL refuses: text no longer can
// be, sanitise.go), nothing of it is written: neither the rows of the batches before nor
// any checkpoint; and the error says it is about the data (ErrUnstorable).
func TestCommitIsAtomic(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	w := readmodeltest.Random(t, esmemory.New(), 16, 5, 40)
	e, err := projections.NewEngine(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Apply(ctx, w.All(t)); err != nil {
		t.Fatal(err)
	}
	if err := e.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	before := readmodeltest.Dump(t, s, w)
	var batches []projections.Batch
	for _, n := range []string{projections.Queues, projections.Portal} {
		b, err := s.Load(ctx, n, []uuid.UUID{w.Tickets[0].Ticket.ID})
		if err != nil || len(b.Tickets) != 1 {
			t.Fatalf("load %s: %+v %v", n, b, err)
		}
		b.Projection, b.Position = n, 1_000_000
		b.Tickets[0].Version += 10
		b.Tickets[0].Subject = "changed"
		batches = append(batches, b)
	}
	batches[1].Timeline = []projections.PortalEntry{{TicketID: w.Tickets[0].Ticket.ID, Version: 99,
		At: time.Date(300000, 1, 1, 0, 0, 0, 0, time.UTC), Kind: "reply", Text: "nul \x00 byte"}}
	var pgErr *pgconn.PgError // refused by the server, after the statements before it ran
	if err := s.Commit(ctx, batches); !errors.As(err, &pgErr) || !projections.Unstorable(err) {
		t.Fatalf("a commit with a time PostgreSQL refuses: %v", err)
	}
	if after := readmodeltest.Dump(t, s, w); after != before {
		t.Fatal("a failed commit wrote part of its batches")
	}
	batches[1].Timeline[0].At = readmodeltest.Epoch
	if err := s.Commit(ctx, batches); err != nil {
		t.Fatal(err)
	}
	if pos, err := s.Checkpoint(ctx, projections.Portal); err != nil || pos != 1_000_000 {
		t.Fatalf("after the commit the portal checkpoint is %d (%v)", pos, err)
	}
}
