// Package lease lets one node of several at a time run a background duty (the policy
// engine, a mail or webhook relay, …): a lease is a named, time-limited claim kept in
// the store every node shares, renewed while its holder lives, taken over by another
// node when the holder stops renewing (it crashed, or lost the store), and fenced by an
// epoch that grows at each new holder, so that a node which lost its lease cannot renew
// it, and what it wrote can be told from what the new holder writes (docs/SCALING.md).
//
// Store is the port, implemented in memory (Memory, for one process), on PostgreSQL
// (adapters/lease/pglease) and on EventStoreDB (adapters/eventstore/esdb); every
// implementation passes leasetest.Run. Campaign and Run are the one way duties use it.
package lease

import (
	"context"
	"errors"
	"time"
)

// Store keeps who holds which lease, shared by every node that may run the duty. Time
// (expiry) is the store's own where it has one (the database's clock), so that the nodes'
// clocks need not agree.
type Store interface {
	// Acquire takes the lease name for holder for ttl, when no one holds it or its
	// holder let it expire or released it, and returns the new epoch: greater than every
	// epoch of that name before. When another holder (or holder itself, under an earlier
	// epoch) holds it unexpired, it returns ErrHeld.
	Acquire(ctx context.Context, name, holder string, ttl time.Duration) (epoch uint64, err error)
	// Renew extends the lease to ttl from now, only while holder holds it under epoch and
	// it has not expired; otherwise it returns ErrLost and changes nothing.
	Renew(ctx context.Context, name, holder string, epoch uint64, ttl time.Duration) error
	// Release ends the lease at once when holder holds it under epoch, so another node
	// may acquire it without waiting for the expiry; otherwise it does nothing.
	Release(ctx context.Context, name, holder string, epoch uint64) error
}

var (
	// ErrHeld is Acquire's answer when the lease is held by someone else.
	ErrHeld = errors.New("lease: held by another holder")
	// ErrLost is Renew's answer when the caller no longer holds the lease: it expired,
	// was released, or another holder took it (a higher epoch).
	ErrLost = errors.New("lease: no longer held")
)

// DefaultTTL is how long a lease lasts unrenewed: the longest a duty stays without a
// runner after its node dies (plus one retry period of the next node).
const DefaultTTL = 10 * time.Second

// Config is how a node campaigns for its leases.
type Config struct {
	// Holder names this node in the store; unique per process (NewHolder).
	Holder string
	// TTL is the lease's life without renewal; DefaultTTL when zero. The holder renews
	// every TTL/3 and the others try to acquire every TTL/3.
	TTL time.Duration
}

func (c Config) ttl() time.Duration {
	if c.TTL <= 0 {
		return DefaultTTL
	}
	return c.TTL
}

func (c Config) period() time.Duration { return c.ttl() / 3 }

// safe is how long after a successful call the holder still counts on its lease.
func (c Config) safe() time.Duration { return c.ttl() - c.ttl()/10 }
