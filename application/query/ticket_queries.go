package query

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// GetTicket reads a ticket by folding its stream: always current, no projection involved.
// With a non-zero asOf, only events that occurred at or before it (to the millisecond)
// are folded: the ticket as it stood then.
func GetTicket(ctx context.Context, store eventlog.EventStore, id uuid.UUID, asOf time.Time) (domain.TicketState, error) {
	recs, err := store.ReadStream(ctx, eventlog.TicketStream(id))
	if err != nil {
		return domain.TicketState{}, err
	}
	if !asOf.IsZero() {
		recs = RecordsAsOf(recs, asOf)
	}
	t, err := command.FoldTicket(recs)
	if err != nil {
		return domain.TicketState{}, err
	}
	if !t.Exists() {
		return domain.TicketState{}, application.ErrNotFound
	}
	return t.State(), nil
}

// RecordsAsOf keeps the records that occurred at or before asOf, at millisecond precision.
func RecordsAsOf(recs []eventlog.Record, asOf time.Time) []eventlog.Record {
	limit := eventlog.Truncate(asOf)
	n := 0
	for n < len(recs) && !recs[n].Meta.OccurredAt.After(limit) {
		n++
	}
	return recs[:n]
}

// TicketEvents returns a ticket's records, oldest first, or ErrNotFound.
func TicketEvents(ctx context.Context, store eventlog.EventStore, id uuid.UUID) ([]eventlog.Record, error) {
	recs, err := store.ReadStream(ctx, eventlog.TicketStream(id))
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, application.ErrNotFound
	}
	return recs, nil
}
