package servicetest

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	"github.com/ticketengine/ticketengine/application/lease"
)

// CutLeases is one node's way to the shared lease store, which the test can cut (Off):
// the node then neither renews nor releases, as the others see a node that died.
type CutLeases struct {
	lease.Store
	Off atomic.Bool
}

var errCut = errors.New("lease store cut off")

func (c *CutLeases) Acquire(ctx context.Context, name, holder string, ttl time.Duration) (uint64, error) {
	if c.Off.Load() {
		return 0, errCut
	}
	return c.Store.Acquire(ctx, name, holder, ttl)
}

func (c *CutLeases) Renew(ctx context.Context, name, holder string, epoch uint64, ttl time.Duration) error {
	if c.Off.Load() {
		return errCut
	}
	return c.Store.Renew(ctx, name, holder, epoch, ttl)
}

func (c *CutLeases) Release(ctx context.Context, name, holder string, epoch uint64) error {
	if c.Off.Load() {
		return errCut
	}
	return c.Store.Release(ctx, name, holder, epoch)
}
