package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/application/query"
)

// pageSize is how many records one ReadAll asks for: large enough that per-call costs
// (a transaction, a round trip) vanish, small enough to keep memory flat.
const pageSize = 4096

// exportFilter selects what export writes. From is inclusive and To exclusive, so that
// consecutive windows (--from A --to B, then --from B --to C) neither miss nor repeat an
// event. Times compare at millisecond precision, as stored.
type exportFilter struct {
	From, To time.Time
	Ticket   uuid.UUID
}

func (f exportFilter) keep(r eventlog.Record) bool {
	at := eventlog.Truncate(r.Meta.OccurredAt)
	if !f.From.IsZero() && at.Before(eventlog.Truncate(f.From)) {
		return false
	}
	return f.To.IsZero() || at.Before(eventlog.Truncate(f.To))
}

// exportEvents writes the selected events as canonical JSON lines in global order and
// returns how many it wrote.
func exportEvents(ctx context.Context, store eventlog.EventStore, f exportFilter, out io.Writer, prog *progress) (int, error) {
	w := bufio.NewWriterSize(out, 1<<20)
	var buf bytes.Buffer
	written := 0
	emit := func(page []eventlog.Record) error {
		prog.add(len(page))
		for _, r := range page {
			if !f.keep(r) {
				continue
			}
			buf.Reset()
			if err := encodeLine(&buf, r); err != nil {
				return err
			}
			if _, err := w.Write(buf.Bytes()); err != nil {
				return err
			}
			written++
		}
		return nil
	}
	var err error
	if f.Ticket != uuid.Nil {
		var recs []eventlog.Record
		if recs, err = query.TicketEvents(ctx, store, f.Ticket); err == nil {
			err = emit(recs)
		}
	} else {
		err = readAllPages(ctx, store, emit)
	}
	if err != nil {
		return written, err
	}
	return written, w.Flush()
}

// readAllPages hands every record of the store to fn, page by page, in global order.
func readAllPages(ctx context.Context, store eventlog.EventStore, fn func([]eventlog.Record) error) error {
	var after uint64
	for {
		page, err := store.ReadAll(ctx, after, pageSize)
		if err != nil {
			return err
		}
		if len(page) == 0 {
			return nil
		}
		next := page[len(page)-1].Position
		if err := fn(page); err != nil {
			return err
		}
		if next <= after {
			return fmt.Errorf("the store returned position %d after %d: its global order is broken", next, after)
		}
		after = next
	}
}
