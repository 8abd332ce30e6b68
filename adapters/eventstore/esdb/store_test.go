package esdb_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/adapters/eventstore/esdb"
	"github.com/ticketengine/ticketengine/adapters/eventstore/esdb/esdbtest"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/application/eventstoretest"
)

// TestConformance runs the event-store contract against the adapter talking to the
// in-process protocol server, a fresh server per sub-test.
func TestConformance(t *testing.T) {
	eventstoretest.Run(t, func(t *testing.T) eventlog.EventStore {
		return open(t, esdbtest.Start(t).ConnectionString())
	})
}

// TestConformanceWithNamespace runs the contract again with a stream namespace, the
// way the real-server variant shares one database.
func TestConformanceWithNamespace(t *testing.T) {
	eventstoretest.Run(t, func(t *testing.T) eventlog.EventStore {
		return open(t, esdbtest.Start(t).ConnectionString(), esdb.WithNamespace(randomNamespace(t)))
	})
}

// TestConformanceRealServer runs the contract against a real EventStoreDB (or KurrentDB)
// named by TICKETS_TEST_ESDB, e.g. esdb://admin:changeit@127.0.0.1:2113?tls=false.
// A real server is shared and not empty, so each sub-test gets a namespace of its own.
func TestConformanceRealServer(t *testing.T) {
	conn := os.Getenv("TICKETS_TEST_ESDB")
	if conn == "" {
		t.Skip("TICKETS_TEST_ESDB is not set: no real EventStoreDB to test against")
	}
	eventstoretest.Run(t, func(t *testing.T) eventlog.EventStore {
		return open(t, conn, esdb.WithNamespace(randomNamespace(t)))
	})
}

// open opens a store that is closed when the test ends (after the cleanups registered
// later, such as those of its subscriptions).
func open(t testing.TB, conn string, opts ...esdb.Option) *esdb.Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	s, err := esdb.Open(ctx, conn, opts...)
	if err != nil {
		t.Fatalf("open %s: %v", conn, err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func randomNamespace(t testing.TB) string {
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return "t" + hex.EncodeToString(b) + "-"
}
