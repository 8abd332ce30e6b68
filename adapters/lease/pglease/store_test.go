package pglease_test

import (
	"context"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/adapters/lease/pglease"
	"github.com/ticketengine/ticketengine/adapters/postgrestest"
	"github.com/ticketengine/ticketengine/application/lease"
	"github.com/ticketengine/ticketengine/application/lease/leasetest"
)

// TestConformance: two stores (two pools, as two nodes) on one fresh schema; time is the
// database's, so the suite sleeps through short TTLs.
func TestConformance(t *testing.T) {
	leasetest.Run(t, leasetest.Harness{
		Nodes: func(t *testing.T) (lease.Store, lease.Store) {
			dsn := postgrestest.FreshSchema(t, "lease")
			return open(t, dsn), open(t, dsn)
		},
		Pass: time.Sleep,
		TTL:  300 * time.Millisecond,
	})
}

func open(t *testing.T, dsn string) *pglease.Store {
	t.Helper()
	s, err := pglease.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}
