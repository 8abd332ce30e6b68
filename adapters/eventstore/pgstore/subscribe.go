package pgstore

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ticketengine/ticketengine/application/eventlog"
)

// Subscriptions read pages with ReadAll until they are caught up, then wait to be woken
// and read again. Wake-ups come from one LISTEN connection per store (appends of any
// process notify at commit), from this process's own commits, and from a timer: the
// timer is the safety net for a lost notification, not a poll loop.

const (
	pageSize       = 500
	safetyInterval = 3 * time.Second
	maxBackoff     = 5 * time.Second
)

// broadcast wakes every waiter at once: waiters take the current channel, fire closes it
// and puts a new one in its place.
type broadcast struct {
	mu sync.Mutex
	ch chan struct{}
}

func newBroadcast() *broadcast { return &broadcast{ch: make(chan struct{})} }

func (b *broadcast) wait() <-chan struct{} {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.ch
}

func (b *broadcast) fire() {
	b.mu.Lock()
	defer b.mu.Unlock()
	close(b.ch)
	b.ch = make(chan struct{})
}

// Subscribe implements eventlog.EventStore. Read errors that come from a lost
// connection are retried (with back-off) rather than returned, since the pool reconnects;
// an error the server reports (the schema is gone) ends the subscription.
func (s *Store) Subscribe(ctx context.Context, after uint64, handle func(context.Context, eventlog.Record) error) error {
	s.listen.Do(func() {
		s.wg.Add(1)
		go s.listener()
	})
	backoff := 100 * time.Millisecond
	for {
		// Take the wake channel before reading, so a commit after the read still wakes us.
		wake := s.wake.wait()
		page, err := s.ReadAll(ctx, after, pageSize)
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case s.ctx.Err() != nil:
			return errClosed
		case err != nil && refusedByServer(err):
			return err
		case err != nil:
			slog.WarnContext(ctx, "postgres event store: subscription read failed; retrying", "after", after, "err", err)
			if err := sleep(ctx, s.ctx, backoff); err != nil {
				return err
			}
			backoff = min(2*backoff, maxBackoff)
			continue
		}
		backoff = 100 * time.Millisecond
		for _, r := range page {
			if err := handle(ctx, r); err != nil {
				return err
			}
			after = r.Position
		}
		if len(page) == pageSize {
			continue
		}
		if err := s.waitForMore(ctx, wake); err != nil {
			return err
		}
	}
}

// waitForMore returns when woken, when the safety interval passes, or with an error when
// the subscription or the store ends.
func (s *Store) waitForMore(ctx context.Context, wake <-chan struct{}) error {
	timer := time.NewTimer(s.safety)
	defer timer.Stop()
	select {
	case <-wake:
		return nil
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-s.ctx.Done():
		return errClosed
	}
}

func sleep(ctx, store context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-store.Done():
		return errClosed
	}
}

// listener holds a dedicated connection in LISTEN and wakes the subscriptions on every
// notification, reconnecting until the store closes. After each (re)connection it wakes
// them too, since appends may have committed while nobody listened.
func (s *Store) listener() {
	defer s.wg.Done()
	backoff := 100 * time.Millisecond
	for s.ctx.Err() == nil {
		err := s.listenOnce(s.ctx, func() { backoff = 100 * time.Millisecond })
		if s.ctx.Err() != nil {
			return
		}
		slog.WarnContext(s.ctx, "postgres event store: listener lost its connection; reconnecting", "err", err, "in", backoff)
		if sleep(s.ctx, s.ctx, backoff) != nil {
			return
		}
		backoff = min(2*backoff, maxBackoff)
	}
}

// listenOnce connects, listens and relays notifications until the connection fails.
func (s *Store) listenOnce(ctx context.Context, connected func()) error {
	conn, err := pgx.ConnectConfig(ctx, s.connCfg.Copy())
	if err != nil {
		return err
	}
	defer func() {
		closeCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
		defer cancel()
		_ = conn.Close(closeCtx)
	}()
	if _, err := conn.Exec(ctx, "LISTEN "+notifyChannel); err != nil {
		return err
	}
	s.listenPID.Store(conn.PgConn().PID())
	connected()
	s.wake.fire()
	for {
		if _, err := conn.WaitForNotification(ctx); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return err
		}
		s.wake.fire()
	}
}
