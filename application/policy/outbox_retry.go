package policy

import (
	"context"
	"time"
)

// Retry is the outbox's one rule for delivering a message (a mail, a webhook call): try,
// and on failure wait and try again, the wait doubling from Min up to Max, until the
// receiver acknowledges it (Do returns nil), ctx ends, or, when Attempts > 0, that many
// tries failed. Each message carries a stable id (Message-ID, X-Tickets-Event-ID), the
// same on every try, so a receiver that got a try whose answer was lost drops the next.
type Retry struct {
	Min, Max time.Duration
	Attempts int // 0: until acknowledged
	// OnFail, if set, hears each failed try and the wait before the next.
	OnFail func(err error, wait time.Duration)
}

// Do runs send until it succeeds, as the rule says; it returns the last error.
func (r Retry) Do(ctx context.Context, send func(context.Context) error) error {
	wait := r.Min
	for attempt := 1; ; attempt++ {
		err := send(ctx)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil || (r.Attempts > 0 && attempt >= r.Attempts) {
			return err
		}
		if r.OnFail != nil {
			r.OnFail(err, wait)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
		wait = min(2*wait, r.Max)
	}
}
