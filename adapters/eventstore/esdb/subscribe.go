package esdb

import (
	"context"
	"errors"
	"fmt"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	client "github.com/EventStore/EventStore-Client-Go/v4/esdb"

	"github.com/ticketengine/ticketengine/application/eventlog"
)

// Backoff between resubscriptions after a dropped subscription.
const (
	minBackoff = 50 * time.Millisecond
	maxBackoff = 5 * time.Second
)

// handlerError marks an error returned by the subscriber's handler: it ends Subscribe,
// where a dropped subscription only makes it subscribe again.
type handlerError struct{ err error }

func (e handlerError) Error() string { return e.err.Error() }
func (e handlerError) Unwrap() error { return e.err }

// Subscribe implements eventlog.EventStore with a catch-up subscription to $all,
// filtered on the engine's stream prefixes. The client's subscription starts at the end
// unless told otherwise, so it always names its start: Start, or the last delivered
// position (exclusive). When the server drops the subscription (restart, network,
// leader change) it subscribes again from the last delivered position, with a growing
// pause; a record at or before that position is never delivered twice, whatever the
// server resends.
func (s *Store) Subscribe(ctx context.Context, after uint64, handle func(context.Context, eventlog.Record) error) error {
	last := after
	backoff := minBackoff
	for {
		delivered, err := s.subscribeOnce(ctx, &last, handle)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if errors.Is(err, ErrClosed) {
			return err
		}
		var herr handlerError
		if errors.As(err, &herr) {
			return herr.err
		}
		var fatal decodeError
		if errors.As(err, &fatal) {
			return fatal.err
		}
		if refused(err) {
			return err // retrying cannot help: the user may not read $all
		}
		if delivered {
			backoff = minBackoff
		}
		s.log.Warn("subscription to $all dropped; subscribing again", "after", last, "pause", backoff, "err", err)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, maxBackoff)
	}
}

// refused reports whether the server refused the subscription for lack of rights,
// whether it said so at the start (a client error) or when dropping it (a gRPC status).
func refused(err error) bool {
	var e *client.Error
	if errors.As(err, &e) && (e.Code() == client.ErrorCodeAccessDenied || e.Code() == client.ErrorCodeUnauthenticated) {
		return true
	}
	code := status.Code(errors.Unwrap(err))
	return code == codes.PermissionDenied || code == codes.Unauthenticated
}

// decodeError is a stored event of the engine's streams that cannot be read back: the
// subscription cannot skip it without losing it, so Subscribe ends with it.
type decodeError struct{ err error }

func (e decodeError) Error() string { return e.err.Error() }

// subscribeOnce runs one subscription until it drops, the handler fails or ctx ends,
// advancing *last past every record it delivers. It reports whether it delivered any.
func (s *Store) subscribeOnce(ctx context.Context, last *uint64, handle func(context.Context, eventlog.Record) error) (bool, error) {
	c, err := s.current()
	if err != nil {
		return false, err
	}
	var from client.AllPosition = client.Start{}
	if *last > 0 {
		from = client.Position{Commit: *last, Prepare: *last}
	}
	var sub *client.Subscription
	err = guard(c, func(c *client.Client) (err error) {
		sub, err = c.SubscribeToAll(ctx, client.SubscribeToAllOptions{
			From:   from,
			Filter: &client.SubscriptionFilter{Type: client.StreamFilterType, Prefixes: s.filterPrefixes()},
		})
		return err
	})
	if err != nil {
		s.renewIfClosed(c, err)
		return false, fmt.Errorf("esdb: subscribe to $all: %w", err)
	}
	defer sub.Close()
	delivered := false
	for {
		msg := sub.Recv()
		switch {
		case msg.SubscriptionDropped != nil:
			if s.isClosed() {
				return delivered, ErrClosed
			}
			return delivered, fmt.Errorf("esdb: subscription dropped: %w", msg.SubscriptionDropped.Error)
		case msg.EventAppeared != nil:
			rec := msg.EventAppeared.OriginalEvent()
			// The filter is the server's; checking again costs nothing and keeps a
			// server that ignores it from feeding foreign events to projections.
			stream, ok := s.appStream(rec.StreamID)
			if rec.Position.Commit <= *last || !ok {
				continue
			}
			r, err := fromRecorded(stream, rec)
			if err == nil && r.Position == 0 {
				err = fmt.Errorf("esdb: event %s in %s has no $all position", rec.EventID, rec.StreamID)
			}
			if err != nil {
				return delivered, decodeError{err}
			}
			if err := handle(ctx, r); err != nil {
				return delivered, handlerError{err}
			}
			*last, delivered = r.Position, true
		}
		// CheckPointReached, CaughtUp and FellBehind need nothing: the server goes back
		// to catching up by itself, and resuming from a checkpoint past the last
		// delivered record would only save re-reading filtered-out events.
	}
}
