package leasetest

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	"github.com/ticketengine/ticketengine/application/lease"
)

// Cuttable is one node's way to a shared lease store, which a test can cut (Off): every
// call then fails, so the node neither acquires, renews nor releases, and the others see
// it as a node that died (a partition, or a node too stalled to renew).
type Cuttable struct {
	lease.Store
	Off atomic.Bool
}

// ErrCut is what every call of a cut Cuttable returns.
var ErrCut = errors.New("lease store cut off")

func (c *Cuttable) Acquire(ctx context.Context, name, holder string, ttl time.Duration) (uint64, error) {
	if c.Off.Load() {
		return 0, ErrCut
	}
	return c.Store.Acquire(ctx, name, holder, ttl)
}

func (c *Cuttable) Renew(ctx context.Context, name, holder string, epoch uint64, ttl time.Duration) error {
	if c.Off.Load() {
		return ErrCut
	}
	return c.Store.Renew(ctx, name, holder, epoch, ttl)
}

func (c *Cuttable) Release(ctx context.Context, name, holder string, epoch uint64) error {
	if c.Off.Load() {
		return ErrCut
	}
	return c.Store.Release(ctx, name, holder, epoch)
}
