// Package leasetest is the conformance suite every lease.Store passes: mutual exclusion,
// take-over after a holder stops renewing, epochs that grow at each new holder, fencing of
// a stale holder, release, and the runner's release on cancellation.
package leasetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/application/lease"
)

// Harness is what the suite needs of an implementation.
type Harness struct {
	// Nodes returns two stores on one fresh shared state, as two nodes see it (two
	// connections to one database, say).
	Nodes func(t *testing.T) (a, b lease.Store)
	// Pass lets d pass on the stores' clock: a fake clock's Advance, or a sleep.
	Pass func(d time.Duration)
	// TTL is the leases' life in the tests: short where Pass sleeps.
	TTL time.Duration
}

// Run runs the suite.
func Run(t *testing.T, h Harness) {
	tests := map[string]func(*testing.T, Harness){
		"exclusion":              exclusion,
		"take-over after expiry": takeOver,
		"renewal keeps it":       renewal,
		"epochs grow":            epochsGrow,
		"stale holder is fenced": fenced,
		"release frees at once":  release,
		"names are independent":  independent,
		"cancellation releases":  cancellation,
	}
	for name, test := range tests {
		t.Run(name, func(t *testing.T) { test(t, h) })
	}
}

const lname = "duty"

func acquire(t *testing.T, s lease.Store, holder string, ttl time.Duration) uint64 {
	t.Helper()
	e, err := s.Acquire(context.Background(), lname, holder, ttl)
	if err != nil {
		t.Fatalf("%s: acquire: %v", holder, err)
	}
	return e
}

func refused(t *testing.T, s lease.Store, holder string, ttl time.Duration) {
	t.Helper()
	if e, err := s.Acquire(context.Background(), lname, holder, ttl); !errors.Is(err, lease.ErrHeld) {
		t.Fatalf("%s: acquire of a held lease = %d, %v; want ErrHeld", holder, e, err)
	}
}

func exclusion(t *testing.T, h Harness) {
	a, b := h.Nodes(t)
	acquire(t, a, "a", h.TTL)
	refused(t, b, "b", h.TTL)
	refused(t, a, "a", h.TTL) // a second campaign of the holder is a second holder
	refused(t, a, "c", h.TTL)
}

func takeOver(t *testing.T, h Harness) {
	a, b := h.Nodes(t)
	ea := acquire(t, a, "a", h.TTL)
	// a crashes: it neither renews nor releases.
	h.Pass(h.TTL + h.TTL/2)
	eb := acquire(t, b, "b", h.TTL)
	if eb <= ea {
		t.Fatalf("epoch of the new holder %d, of the old %d: want greater", eb, ea)
	}
	refused(t, a, "a", h.TTL)
}

func renewal(t *testing.T, h Harness) {
	a, b := h.Nodes(t)
	e := acquire(t, a, "a", h.TTL)
	for range 3 {
		h.Pass(h.TTL / 2)
		if err := a.Renew(context.Background(), lname, "a", e, h.TTL); err != nil {
			t.Fatalf("renew: %v", err)
		}
		refused(t, b, "b", h.TTL)
	}
}

func epochsGrow(t *testing.T, h Harness) {
	a, b := h.Nodes(t)
	ctx := context.Background()
	var last uint64
	for i, s := range []lease.Store{a, b, a, b} {
		holder := []string{"a", "b"}[i%2]
		e := acquire(t, s, holder, h.TTL)
		if e <= last {
			t.Fatalf("holder %d got epoch %d after %d", i, e, last)
		}
		last = e
		if err := s.Release(ctx, lname, holder, e); err != nil {
			t.Fatal(err)
		}
	}
}

func fenced(t *testing.T, h Harness) {
	a, b := h.Nodes(t)
	ctx := context.Background()
	ea := acquire(t, a, "a", h.TTL)
	h.Pass(h.TTL + h.TTL/2)
	if err := a.Renew(ctx, lname, "a", ea, h.TTL); !errors.Is(err, lease.ErrLost) {
		t.Fatalf("renew of an expired lease: %v, want ErrLost", err)
	}
	eb := acquire(t, b, "b", h.TTL)
	if err := a.Renew(ctx, lname, "a", ea, h.TTL); !errors.Is(err, lease.ErrLost) {
		t.Fatalf("renew by the stale holder: %v, want ErrLost", err)
	}
	if err := b.Renew(ctx, lname, "b", ea, h.TTL); !errors.Is(err, lease.ErrLost) {
		t.Fatalf("renew under the stale epoch: %v, want ErrLost", err)
	}
	if err := a.Release(ctx, lname, "a", ea); err != nil {
		t.Fatal(err)
	}
	refused(t, a, "a", h.TTL) // the stale release freed nothing
	if err := b.Renew(ctx, lname, "b", eb, h.TTL); err != nil {
		t.Fatalf("renew by the holder: %v", err)
	}
}

func release(t *testing.T, h Harness) {
	a, b := h.Nodes(t)
	ea := acquire(t, a, "a", time.Hour)
	if err := a.Release(context.Background(), lname, "a", ea); err != nil {
		t.Fatal(err)
	}
	acquire(t, b, "b", time.Hour)
	if err := a.Renew(context.Background(), lname, "a", ea, h.TTL); !errors.Is(err, lease.ErrLost) {
		t.Fatalf("renew after release: %v, want ErrLost", err)
	}
}

func independent(t *testing.T, h Harness) {
	a, b := h.Nodes(t)
	ctx := context.Background()
	acquire(t, a, "a", h.TTL)
	if _, err := b.Acquire(ctx, lname+"-other", "b", h.TTL); err != nil {
		t.Fatalf("another name: %v", err)
	}
}

// cancellation: a campaign's lease is released when its context ends, so the other node
// takes it at once, without waiting for the expiry.
func cancellation(t *testing.T, h Harness) {
	a, b := h.Nodes(t)
	ctx, cancel := context.WithCancel(context.Background())
	held, err := lease.Campaign(ctx, a, lname, lease.Config{Holder: "a", TTL: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	refused(t, b, "b", h.TTL)
	cancel()
	held.Release() // waits for the release the cancellation started
	select {
	case <-held.Lost():
	default:
		t.Fatal("Lost is open after the release")
	}
	if e := acquire(t, b, "b", h.TTL); e <= held.Epoch() {
		t.Fatalf("epoch %d after %d", e, held.Epoch())
	}
}
