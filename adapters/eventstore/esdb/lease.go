package esdb

import (
	"context"
	"errors"
	"fmt"
	"time"

	client "github.com/EventStore/EventStore-Client-Go/v4/esdb"

	"github.com/ticketengine/ticketengine/application/lease"
)

// Leases is the lease store (application/lease) on EventStoreDB, for deployments whose
// one shared store it is: one stream per lease (lease-<name>, after the namespace; no
// kind of the engine, so no reader of the event log sees it), one event per acquisition,
// renewal and release, each appended at the expected revision of the event it follows,
// so that of two nodes acting on one state only one succeeds. A lease expires its TTL
// after the server's creation time of its last event, compared with the node's clock:
// the nodes' clocks must agree with the server's to well within a tenth of the TTL (the
// holder's own margin, application/lease). The stream keeps its last leaseKeep events
// ($maxCount), so renewals do not grow it without end.
type Leases struct {
	s     *Store
	clock func() time.Time
}

var _ lease.Store = (*Leases)(nil)

// leaseKeep is the $maxCount of a lease stream: the last events only matter.
const leaseKeep = 16

// Leases returns the lease store on s's server and namespace.
func (s *Store) Leases() *Leases { return &Leases{s: s, clock: time.Now} }

// leaseEvent is the data of a lease stream's event.
type leaseEvent struct {
	Holder   string `json:"holder"`
	Epoch    uint64 `json:"epoch"`
	TTLMilli int64  `json:"ttl_ms"` // 0: released
}

// leaseState is a lease's last event: its revision, and when it expires.
type leaseState struct {
	exists   bool
	revision uint64
	event    leaseEvent
	expires  time.Time
}

func (l *Leases) stream(name string) string { return l.s.serverStream("lease-" + name) }

// Acquire implements lease.Store.
func (l *Leases) Acquire(ctx context.Context, name, holder string, ttl time.Duration) (uint64, error) {
	st, err := l.last(ctx, name)
	if err != nil {
		return 0, err
	}
	if st.exists && l.clock().Before(st.expires) {
		return 0, lease.ErrHeld
	}
	ev := leaseEvent{Holder: holder, Epoch: st.event.Epoch + 1, TTLMilli: ttl.Milliseconds()}
	if err := l.write(ctx, name, st, ev); err != nil {
		return 0, conflictAs(err, lease.ErrHeld)
	}
	if !st.exists {
		l.limit(ctx, name)
	}
	return ev.Epoch, nil
}

// Renew implements lease.Store.
func (l *Leases) Renew(ctx context.Context, name, holder string, epoch uint64, ttl time.Duration) error {
	st, err := l.last(ctx, name)
	if err != nil {
		return err
	}
	if !st.holds(holder, epoch) || !l.clock().Before(st.expires) {
		return lease.ErrLost
	}
	return conflictAs(l.write(ctx, name, st, leaseEvent{Holder: holder, Epoch: epoch, TTLMilli: ttl.Milliseconds()}), lease.ErrLost)
}

// Release implements lease.Store.
func (l *Leases) Release(ctx context.Context, name, holder string, epoch uint64) error {
	st, err := l.last(ctx, name)
	if err != nil || !st.holds(holder, epoch) || st.event.TTLMilli == 0 {
		return err
	}
	err = l.write(ctx, name, st, leaseEvent{Holder: holder, Epoch: epoch})
	if errors.Is(conflictAs(err, lease.ErrLost), lease.ErrLost) {
		return nil // someone else moved first: nothing of ours to release
	}
	return err
}

func (st leaseState) holds(holder string, epoch uint64) bool {
	return st.exists && st.event.Holder == holder && st.event.Epoch == epoch
}

// conflictAs turns a wrong-expected-revision refusal into as.
func conflictAs(err, as error) error {
	var e *client.Error
	if errors.As(err, &e) && e.Code() == client.ErrorCodeWrongExpectedVersion {
		return as
	}
	if err != nil {
		return fmt.Errorf("esdb: lease: %w", err)
	}
	return nil
}
