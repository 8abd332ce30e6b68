package pgstore

import (
	"bytes"
	"context"
	"testing"

	"github.com/ticketengine/ticketengine/application/policy"
	"github.com/ticketengine/ticketengine/application/policy/checkpointtest"
)

// TestCheckpointsFenceEarlierEpochs: a checkpoint is saved and read back; a save of an
// earlier epoch (a former leaseholder's) or of an earlier position is refused and leaves
// the row as it was; a later epoch takes the row over.
func TestCheckpointsFenceEarlierEpochs(t *testing.T) {
	s, _ := openClosing(t)
	c, ctx := s.Checkpoints(), testCtx(t)
	if pos, state, err := c.LoadCheckpoint(ctx, "policy-view"); err != nil || pos != 0 || state != nil {
		t.Fatalf("none yet: %d %q %v", pos, state, err)
	}
	save := func(epoch, pos uint64, state string) bool {
		t.Helper()
		ok, err := c.SaveCheckpoint(ctx, "policy-view", epoch, pos, []byte(state))
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if !save(2, 10, "a") || !save(2, 12, "b") {
		t.Fatal("the holder's saves refused")
	}
	if save(1, 20, "stale") {
		t.Fatal("an earlier epoch's save accepted")
	}
	if save(2, 11, "behind") {
		t.Fatal("a save behind the row accepted")
	}
	if pos, state, _ := c.LoadCheckpoint(ctx, "policy-view"); pos != 12 || !bytes.Equal(state, []byte("b")) {
		t.Fatalf("row %d %q, want 12 b", pos, state)
	}
	if !save(3, 12, "c") || save(2, 13, "late") {
		t.Fatal("the next holder does not fence the former")
	}
	if ok, err := c.SaveCheckpoint(ctx, "webhook-x", 1, 5, []byte{}); err != nil || !ok {
		t.Fatalf("another name: %v %v", ok, err)
	}
}

// BenchmarkSaveCheckpoint is one webhook call's progress save (a relay saves before and
// after each call): go test -run XXX -bench BenchmarkSaveCheckpoint -benchtime 3000x ./adapters/eventstore/pgstore/
func BenchmarkSaveCheckpoint(b *testing.B) {
	s, _ := openClosing(b)
	c, ctx := s.Checkpoints(), context.Background()
	for i := range b.N {
		if ok, err := c.SaveCheckpoint(ctx, "webhook-bench", 1, uint64(i), []byte{}); err != nil || !ok {
			b.Fatal(ok, err)
		}
	}
}

// TestCheckpointConformance runs the checkpoint suite (application/policy/checkpointtest)
// on two stores (two pools, as two nodes) on one fresh schema.
func TestCheckpointConformance(t *testing.T) {
	checkpointtest.Run(t, func(t *testing.T) (policy.CheckpointStore, policy.CheckpointStore) {
		a, dsn := openClosing(t)
		b, err := Open(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = b.Close() })
		return a.Checkpoints(), b.Checkpoints()
	})
}
