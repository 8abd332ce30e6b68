package readmodeltest

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/projections"
)

// countingQueries is a store that counts the queries read-your-writes waits make.
type countingQueries struct {
	projections.Store
	rowVersions, checkpoints atomic.Int64
}

func (c *countingQueries) RowVersion(ctx context.Context, name string, id uuid.UUID) (int64, error) {
	c.rowVersions.Add(1)
	return c.Store.RowVersion(ctx, name, id)
}

func (c *countingQueries) Checkpoint(ctx context.Context, name string) (uint64, error) {
	c.checkpoints.Add(1)
	return c.Store.Checkpoint(ctx, name)
}

// testWaitsWithoutPolling: reads waiting for the engine of their own process (a ticket's
// ?min_version, a list's settle) query the store once, not at every commit or tick, and
// return once the engine has committed what they wait for, with it in the store.
func testWaitsWithoutPolling(t *testing.T, newStore Factory, newEvents EventsFactory) {
	ctx := context.Background()
	w := Random(t, newEvents(), 17, 20, 200)
	recs := w.All(t)
	last := recs[len(recs)-1]
	var id uuid.UUID
	for i := len(recs) - 1; i >= 0 && id == uuid.Nil; i-- {
		if r := recs[i]; len(r.Stream) > len(eventlog.TicketStreamPrefix) && r.Stream[:len(eventlog.TicketStreamPrefix)] == eventlog.TicketStreamPrefix {
			id = uuid.MustParse(r.Stream[len(eventlog.TicketStreamPrefix):])
		}
	}
	ticket, err := w.Events.ReadStream(ctx, eventlog.TicketStream(id))
	check(t, err)
	version := ticket[len(ticket)-1].Version
	store := &countingQueries{Store: newStore(t)}
	e := mustEngine(t, store)
	svc := projections.NewService(w.Events, store, e, w.Clock)
	check(t, e.Apply(ctx, recs[:len(recs)-60]))
	check(t, e.Flush(ctx))
	store.rowVersions.Store(0)
	store.checkpoints.Store(0)
	const waiters = 10
	done := make(chan error, 2*waiters)
	for range waiters {
		go func() {
			if err := svc.WaitFor(ctx, projections.Portal, id, version); err != nil {
				done <- err
				return
			}
			have, err := store.Store.RowVersion(ctx, projections.Portal, id)
			if err == nil && have < version {
				err = fmt.Errorf("WaitFor returned with version %d of %d in the store", have, version)
			}
			done <- err
		}()
		go func() {
			_, _, err := svc.Queue(ctx, projections.QueueFilter{}, 10, "")
			if err == nil {
				if pos, _ := store.Store.Checkpoint(ctx, projections.Queues); pos < last.Position {
					err = fmt.Errorf("a list read answered at checkpoint %d; the store held %d when it came", pos, last.Position)
				}
			}
			done <- err
		}()
	}
	// Nothing commits for a while: the waiting reads must not poll the store meanwhile.
	// (The engine commits only below, so an early return would be caught above.)
	time.Sleep(200 * time.Millisecond)
	if n := store.rowVersions.Load(); n > waiters {
		t.Errorf("%d waiting reads queried the row version %d times while nothing was committed", waiters, n)
	}
	if n := store.checkpoints.Load(); n > 0 {
		t.Errorf("%d waiting list reads queried the checkpoint %d times: the engine here knows it", waiters, n)
	}
	check(t, e.Apply(ctx, recs[len(recs)-60:]))
	check(t, e.Flush(ctx))
	for range 2 * waiters {
		check(t, <-done)
	}
}
