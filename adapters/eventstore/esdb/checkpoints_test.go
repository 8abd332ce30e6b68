package esdb_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/adapters/eventstore/esdb"
	"github.com/ticketengine/ticketengine/adapters/eventstore/esdb/esdbtest"
	"github.com/ticketengine/ticketengine/application/policy"
	"github.com/ticketengine/ticketengine/application/policy/checkpointtest"
)

// TestCheckpointConformance runs the checkpoint suite on the protocol server: two
// stores (two clients, as two nodes) on one server.
func TestCheckpointConformance(t *testing.T) {
	checkpointtest.Run(t, func(t *testing.T) (policy.CheckpointStore, policy.CheckpointStore) {
		conn := esdbtest.Start(t).ConnectionString()
		return open(t, conn).Checkpoints(), open(t, conn).Checkpoints()
	})
}

// TestCheckpointConformanceRealServer runs the checkpoint suite on a real EventStoreDB
// named by TICKETS_TEST_ESDB, in a namespace of its own per sub-test.
func TestCheckpointConformanceRealServer(t *testing.T) {
	conn := os.Getenv("TICKETS_TEST_ESDB")
	if conn == "" {
		t.Skip("TICKETS_TEST_ESDB is not set: no real EventStoreDB to test against")
	}
	checkpointtest.Run(t, func(t *testing.T) (policy.CheckpointStore, policy.CheckpointStore) {
		ns := esdb.WithNamespace(randomNamespace(t))
		return open(t, conn, ns).Checkpoints(), open(t, conn, ns).Checkpoints()
	})
}

// TestCheckpointsStayOutOfTheLog: a checkpoint's events are not records of the event
// log, so no reader (the policies, the projections) sees them.
func TestCheckpointsStayOutOfTheLog(t *testing.T) {
	s := open(t, esdbtest.Start(t).ConnectionString())
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if ok, err := s.Checkpoints().SaveCheckpoint(ctx, policy.ViewCheckpoint, 1, 7, []byte("{}")); err != nil || !ok {
		t.Fatalf("save: %v %v", ok, err)
	}
	recs, err := s.ReadAll(ctx, 0, 100)
	if err != nil || len(recs) != 0 {
		t.Fatalf("the log after a checkpoint = %d records, %v; want none", len(recs), err)
	}
}

// TestCheckpointTooLargeIsSkipped: a state that does not fit in one event (random bytes,
// which gzip cannot shrink) is not saved, without an error that would stop the engine,
// and the checkpoint before it stays.
func TestCheckpointTooLargeIsSkipped(t *testing.T) {
	c := open(t, esdbtest.Start(t).ConnectionString()).Checkpoints()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if ok, err := c.SaveCheckpoint(ctx, policy.ViewCheckpoint, 1, 7, []byte("small")); err != nil || !ok {
		t.Fatalf("save: %v %v", ok, err)
	}
	big := make([]byte, esdb.MaxCheckpointData+1)
	_, _ = rand.Read(big)
	if ok, err := c.SaveCheckpoint(ctx, policy.ViewCheckpoint, 1, 8, big); err != nil || ok {
		t.Fatalf("save of %d random bytes = %v %v; want not saved, no error", len(big), ok, err)
	}
	pos, state, err := c.LoadCheckpoint(ctx, policy.ViewCheckpoint)
	if err != nil || pos != 7 || !bytes.Equal(state, []byte("small")) {
		t.Fatalf("load = %d %q %v; want the save before", pos, state, err)
	}
	// A large but ordinary view (repetitive JSON) gzips well under the limit.
	view := bytes.Repeat([]byte(`{"id":"8f1c2c1e-7d0b-4c3a-9d8e-2f4b6a1c3e5d","state":{"status":"open"}},`), 40000)
	if ok, err := c.SaveCheckpoint(ctx, policy.ViewCheckpoint, 1, 9, view); err != nil || !ok {
		t.Fatalf("save of %d bytes of JSON = %v %v", len(view), ok, err)
	}
	if pos, state, err := c.LoadCheckpoint(ctx, policy.ViewCheckpoint); err != nil || pos != 9 || !bytes.Equal(state, view) {
		t.Fatalf("load = %d, %d bytes, %v; want 9 and the view", pos, len(state), err)
	}
}

// BenchmarkSaveViewCheckpoint is one save of a policy view of 10,000 open tickets (random
// ids, as a real view's), gzip included, on the protocol server; it reports the gzipped
// size against MaxCheckpointData:
// go test -p 1 -run XXX -bench BenchmarkSaveViewCheckpoint -benchtime 20x -benchmem ./adapters/eventstore/esdb/
func BenchmarkSaveViewCheckpoint(b *testing.B) {
	c := open(b, esdbtest.Start(b).ConnectionString()).Checkpoints()
	var view bytes.Buffer
	view.WriteString(`{"tickets":[`)
	for i := range 10000 {
		if i > 0 {
			view.WriteByte(',')
		}
		fmt.Fprintf(&view, `{"id":%q,"state":{"id":%q,"status":"open","priority":"P2","category":"billing","tier":"standard","assignee":%q,"received_at":"2026-12-03T09:%02d:%02d.%06dZ"},"last":{"position":%d,"version":%d},"routed_version":%d}`,
			uuid.New(), uuid.New(), uuid.New(), i%60, (i/60)%60, i*37%1000000, 1000+i*7, 3+i%5, i%3)
	}
	view.WriteString(`]}`)
	ctx := context.Background()
	b.ResetTimer()
	for i := range b.N {
		if ok, err := c.SaveCheckpoint(ctx, policy.ViewCheckpoint, 1, uint64(i+1), view.Bytes()); err != nil || !ok {
			b.Fatal(ok, err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(view.Len()), "state_bytes")
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	_, _ = zw.Write(view.Bytes())
	_ = zw.Close()
	b.ReportMetric(float64(z.Len()), "gzipped_bytes")
}
