package lease

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/google/uuid"
)

// NewHolder names this process in the lease stores: host, process id and a random part,
// so that a restarted process is a new holder.
func NewHolder() string {
	host, _ := os.Hostname()
	return fmt.Sprintf("%s/%d/%s", host, os.Getpid(), uuid.NewString()[:8])
}

// Held is a lease this node holds, renewed in the background every TTL/3 until it is
// released, its campaign's context ends, or it is lost.
type Held struct {
	store        Store
	name, holder string
	epoch        uint64
	lost         chan struct{}
	stop         context.CancelFunc
	done         chan struct{}
	once         sync.Once
}

// Epoch is the lease's epoch under this holder: it travels with what the duty writes, so
// that a write of an earlier holder can be told and refused.
func (h *Held) Epoch() uint64 { return h.epoch }

// Lost is closed when the lease is no longer held: a renewal was refused (another node
// took it), or no renewal succeeded for a TTL (this node cannot tell whether it still
// holds it, so it must act as if it did not), or it was released.
func (h *Held) Lost() <-chan struct{} { return h.lost }

// Release stops renewing and ends the lease in the store (if still held), so another node
// may take it at once. It returns when done; calling it again does nothing.
func (h *Held) Release() {
	h.stop()
	<-h.done
}

// Campaign blocks until this node holds the lease name (trying every TTL/3) or ctx ends.
// The lease is renewed until Release is called or ctx ends, which releases it.
func Campaign(ctx context.Context, s Store, name string, cfg Config) (*Held, error) {
	return campaign(ctx, s, name, cfg, ctx)
}

// campaign acquires with ctx and keeps the lease until keep ends (or Release).
func campaign(ctx context.Context, s Store, name string, cfg Config, keep context.Context) (*Held, error) {
	for {
		start := time.Now()
		epoch, err := s.Acquire(ctx, name, cfg.Holder, cfg.ttl())
		if err == nil {
			return hold(keep, s, name, cfg, epoch, start), nil
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(cfg.period()):
		}
	}
}

func hold(ctx context.Context, s Store, name string, cfg Config, epoch uint64, acquired time.Time) *Held {
	kctx, stop := context.WithCancel(ctx)
	h := &Held{store: s, name: name, holder: cfg.Holder, epoch: epoch,
		lost: make(chan struct{}), stop: stop, done: make(chan struct{})}
	go h.keep(kctx, cfg, acquired.Add(cfg.safe()))
	return h
}

// keep renews until ctx ends (then releases) or the lease is lost. deadline is when this
// node gives the lease up without word from the store: counted from before the last
// successful call and a tenth of the TTL short of it, so that it falls before the store's
// expiry, when another node may take the lease, even if the clocks' rates differ a little.
func (h *Held) keep(ctx context.Context, cfg Config, deadline time.Time) {
	defer close(h.done)
	defer h.once.Do(func() { close(h.lost) })
	tick := time.NewTicker(cfg.period())
	defer tick.Stop()
	for {
		expiry := time.NewTimer(time.Until(deadline))
		select {
		case <-ctx.Done():
			expiry.Stop()
			h.release(cfg)
			return
		case <-expiry.C:
			return
		case <-tick.C:
			expiry.Stop()
		}
		start := time.Now()
		rctx, cancel := context.WithDeadline(ctx, deadline)
		err := h.store.Renew(rctx, h.name, h.holder, h.epoch, cfg.ttl())
		cancel()
		switch {
		case err == nil:
			deadline = start.Add(cfg.safe())
		case errors.Is(err, ErrLost):
			return
		case ctx.Err() != nil:
			h.release(cfg)
			return
		case !time.Now().Before(deadline):
			return
		}
	}
}

// release tells the store, bounded by a renewal period; a failure leaves the lease to
// expire.
func (h *Held) release(cfg Config) {
	h.once.Do(func() { close(h.lost) })
	ctx, cancel := context.WithTimeout(context.Background(), cfg.period())
	defer cancel()
	_ = h.store.Release(ctx, h.name, h.holder, h.epoch)
}
