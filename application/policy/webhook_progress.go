package policy

import (
	"context"
	"fmt"
	"time"

	"github.com/ticketengine/ticketengine/application/eventlog"
)

// A webhook relay with a Progress store (several nodes on PostgreSQL) records its position
// after every delivery, in one conditional statement that also checks the epoch (the
// store refuses a save of an earlier epoch than the row's): so after a hand-over the new
// holder resends at most the one call that was in flight, and a former holder that wakes
// late finds its save refused before it calls anyone (ErrFenced). A row is cheap to
// update; a record in the event log per delivery would grow the log forever.

// progressName names the relay's row: its stream's name.
func (w *WebhookRelay) progressName() string { return w.stream }

// runTracked relays until ctx ends, with the position in Progress.
func (w *WebhookRelay) runTracked(ctx context.Context) error {
	after, _, err := w.Progress.LoadCheckpoint(ctx, w.progressName())
	if err != nil {
		return fmt.Errorf("webhook progress: %w", err)
	}
	if after == 0 { // first run with Progress: go on from the checkpoint stream
		if after, err = w.load(ctx); err != nil {
			return err
		}
	}
	if err := w.mark(ctx, after); err != nil { // take the row over under this epoch
		return err
	}
	last := after
	return w.Store.Subscribe(ctx, after, func(ctx context.Context, r eventlog.Record) error {
		if !relayed(r.Stream) {
			return nil
		}
		if err := w.mark(ctx, last); err != nil { // still the holder? (a lease may end between events)
			return err
		}
		if err := w.deliver(ctx, r); err != nil {
			return err
		}
		last = r.Position
		// Recorded even when ctx ended during the call (a clean stop): the next holder
		// must start after it.
		saveCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		return w.mark(saveCtx, last)
	})
}

// mark saves position under the relay's epoch; ErrFenced when a newer holder saved.
func (w *WebhookRelay) mark(ctx context.Context, position uint64) error {
	saved, err := w.Progress.SaveCheckpoint(ctx, w.progressName(), w.Epoch, position, []byte{})
	if err != nil {
		return fmt.Errorf("webhook progress: %w", err)
	}
	if !saved {
		return ErrFenced
	}
	return nil
}
