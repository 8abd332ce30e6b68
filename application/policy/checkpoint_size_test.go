package policy_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/application/policy"
	"github.com/ticketengine/ticketengine/domain"
)

// TestViewCheckpointSizePerTicket measures the view's checkpoint as the engine makes it,
// per open ticket (received and classified), raw and gzipped: what a store that keeps it
// in one event (EventStoreDB, about 1 MB gzipped, docs/SCALING.md) can hold. It fails when a
// ticket takes more than 1,000 gzipped bytes, so that a growing view is noticed there.
func TestViewCheckpointSizePerTicket(t *testing.T) {
	const tickets = 200
	store := newStore()
	saved := &checkpoints{}
	n := startNode(t, store, policy.Options{Standby: true, Checkpoints: saved, CheckpointEvery: 20 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { _ = n.engine.Lead(ctx, 1) }()
	for i := range tickets {
		id := receive(t, n.cmds, domain.TierStandard, fmt.Sprintf("退款没有到账 %d", i))
		classify(t, n.cmds, id, "billing", domain.P2, "billing")
	}
	recs, err := store.ReadAll(context.Background(), 0, 100_000)
	if err != nil {
		t.Fatal(err)
	}
	head := recs[len(recs)-1].Position
	eventually(t, 10*time.Second, "a checkpoint at the head", func() bool { return saved.position() == head })
	saved.mu.Lock()
	state := saved.state
	saved.mu.Unlock()
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	_, _ = zw.Write(state)
	_ = zw.Close()
	t.Logf("%d open tickets: %d bytes of JSON (%d a ticket), %d gzipped (%d a ticket)",
		tickets, len(state), len(state)/tickets, z.Len(), z.Len()/tickets)
	if z.Len()/tickets > 1000 {
		t.Fatalf("%d gzipped bytes a ticket", z.Len()/tickets)
	}
}
