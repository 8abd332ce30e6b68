package esdb_test

import (
	"github.com/ticketengine/ticketengine/adapters/eventstore/esdb"
	"os"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/adapters/eventstore/esdb/esdbtest"
	"github.com/ticketengine/ticketengine/application/lease"
	"github.com/ticketengine/ticketengine/application/lease/leasetest"
)

// TestLeaseConformance runs the lease suite on the protocol server: two stores (two
// clients, as two nodes) on one server; expiry follows the server's event times, so the
// suite sleeps through short TTLs.
func TestLeaseConformance(t *testing.T) {
	leasetest.Run(t, leasetest.Harness{
		Nodes: func(t *testing.T) (lease.Store, lease.Store) {
			conn := esdbtest.Start(t).ConnectionString()
			return open(t, conn).Leases(), open(t, conn).Leases()
		},
		Pass: time.Sleep,
		TTL:  300 * time.Millisecond,
	})
}

// TestLeaseConformanceRealServer runs the lease suite on a real EventStoreDB named by
// TICKETS_TEST_ESDB, in a namespace of its own per sub-test.
func TestLeaseConformanceRealServer(t *testing.T) {
	conn := os.Getenv("TICKETS_TEST_ESDB")
	if conn == "" {
		t.Skip("TICKETS_TEST_ESDB is not set: no real EventStoreDB to test against")
	}
	leasetest.Run(t, leasetest.Harness{
		Nodes: func(t *testing.T) (lease.Store, lease.Store) {
			ns := esdb.WithNamespace(randomNamespace(t))
			return open(t, conn, ns).Leases(), open(t, conn, ns).Leases()
		},
		Pass: time.Sleep,
		TTL:  time.Second,
	})
}
