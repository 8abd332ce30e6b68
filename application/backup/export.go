// Package backup writes a store's history as canonical JSON lines and loads such a file
// into an empty store, keeping ids, versions, times and hashes: the format of
// `ticketctl export` and `ticketctl import`, usable by any program that holds an
// application.EventStore.
package backup

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
)

// PageSize is how many records one ReadAll asks for: large enough that per-call costs
// (a transaction, a round trip) vanish, small enough to keep memory flat.
const PageSize = 4096

// Filter selects what Export writes. From is inclusive and To exclusive, so that
// consecutive windows (From A To B, then From B To C) neither miss nor repeat an event.
// Times compare at millisecond precision, as stored. A zero Filter selects everything.
type Filter struct {
	From, To time.Time
	Ticket   uuid.UUID
	// Progress, when set, is called with the count of records read by each step, kept
	// or not: it lets a caller report a long run.
	Progress func(n int)
}

func (f Filter) keep(r application.Record) bool {
	at := application.Truncate(r.Meta.OccurredAt)
	if !f.From.IsZero() && at.Before(application.Truncate(f.From)) {
		return false
	}
	return f.To.IsZero() || at.Before(application.Truncate(f.To))
}

// Export writes the selected events as canonical JSON lines in global order and returns
// how many it wrote.
func Export(ctx context.Context, store application.EventStore, f Filter, out io.Writer) (int, error) {
	w := bufio.NewWriterSize(out, 1<<20)
	var buf bytes.Buffer
	written := 0
	emit := func(page []application.Record) error {
		if f.Progress != nil {
			f.Progress(len(page))
		}
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
		var recs []application.Record
		if recs, err = application.TicketEvents(ctx, store, f.Ticket); err == nil {
			err = emit(recs)
		}
	} else {
		err = ReadAllPages(ctx, store, emit)
	}
	if err != nil {
		return written, err
	}
	return written, w.Flush()
}

// ReadAllPages hands every record of the store to fn, page by page, in global order.
func ReadAllPages(ctx context.Context, store application.EventStore, fn func([]application.Record) error) error {
	var after uint64
	for {
		page, err := store.ReadAll(ctx, after, PageSize)
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
