package lease_test

import (
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/application/eventstoretest"
	"github.com/ticketengine/ticketengine/application/lease"
	"github.com/ticketengine/ticketengine/application/lease/leasetest"
)

func TestMemory(t *testing.T) {
	clock := eventstoretest.NewClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	leasetest.Run(t, leasetest.Harness{
		Nodes: func(*testing.T) (lease.Store, lease.Store) {
			m := lease.NewMemory(clock)
			return m, m
		},
		Pass: clock.Advance,
		TTL:  10 * time.Second,
	})
}
