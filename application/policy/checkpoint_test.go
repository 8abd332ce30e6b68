package policy_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/application/policy"
	"github.com/ticketengine/ticketengine/domain"
)

// checkpoints is a policy.CheckpointStore in memory, as the shared table keeps them.
type checkpoints struct {
	mu    sync.Mutex
	epoch uint64
	pos   uint64
	state []byte
}

func (c *checkpoints) LoadCheckpoint(context.Context, string) (uint64, []byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.pos, c.state, nil
}

func (c *checkpoints) SaveCheckpoint(_ context.Context, _ string, epoch, pos uint64, state []byte) (bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if epoch < c.epoch || pos < c.pos {
		return false, nil
	}
	c.epoch, c.pos, c.state = epoch, pos, state
	return true, nil
}

func (c *checkpoints) position() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.pos
}

// counting counts the records ReadAll returns (the engine's catch-up reads the log so).
type counting struct {
	eventlog.EventStore
	read atomic.Int64
}

func (c *counting) ReadAll(ctx context.Context, after uint64, limit int) ([]eventlog.Record, error) {
	recs, err := c.EventStore.ReadAll(ctx, after, limit)
	c.read.Add(int64(len(recs)))
	return recs, err
}

// A new leader of the policies starts from the view's checkpoint the former one saved:
// it reads only the records after it, and its view is whole: the SLA monitor breaches a
// ticket it knows only from the checkpoint.
func TestANewLeaderStartsFromTheViewCheckpoint(t *testing.T) {
	store := newStore()
	saved := &checkpoints{}
	opts := policy.Options{Standby: true, Checkpoints: saved, CheckpointEvery: 20 * time.Millisecond}
	a := startNode(t, store, opts)
	ctx, cancel := context.WithCancel(context.Background())
	led := make(chan struct{})
	go func() { _ = a.engine.Lead(ctx, 1); close(led) }()
	vip := receive(t, a.cmds, domain.TierVIP, "checkpointed")
	classify(t, a.cmds, vip, "billing", domain.P1, "billing")
	for range 5 {
		receive(t, a.cmds, domain.TierStandard, "history")
	}
	head := func() uint64 {
		recs, err := store.ReadAll(context.Background(), 0, 100_000)
		if err != nil {
			t.Fatal(err)
		}
		return recs[len(recs)-1].Position
	}
	eventually(t, 5*time.Second, "a checkpoint at the head", func() bool { return saved.position() == head() })
	cancel() // a hands over cleanly
	<-led
	a.halt()
	if n := count(t, store, vip, domain.TypeSLABreached, nil); n != 0 {
		t.Fatalf("breached before the hand-over (%d): the test needs the breach after it", n)
	}
	at := saved.position()
	receive(t, a.cmds, domain.TierStandard, "after the checkpoint")
	after := head() - at

	counted := &counting{EventStore: store}
	b := startNode(t, counted, opts)
	<-b.engine.Ready()
	if n := counted.read.Load(); n != int64(after) {
		t.Fatalf("the new leader read %d records to start, want the %d after the checkpoint (of %d)", n, after, head())
	}
	bctx, bcancel := context.WithCancel(context.Background())
	defer bcancel()
	go func() { _ = b.engine.Lead(bctx, 2) }()
	eventually(t, 5*time.Second, "the checkpointed ticket breached by the new leader", func() bool {
		return count(t, store, vip, domain.TypeSLABreached, nil) == 1
	})
}
