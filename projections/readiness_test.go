package projections

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/application/eventlog"
)

// behindEvents is an event store whose record after position 0 happened a minute ago:
// every projection still at checkpoint 0 is a minute behind.
type behindEvents struct {
	eventlog.EventStore
	at time.Time
}

func (e behindEvents) ReadAll(_ context.Context, after uint64, _ int) ([]eventlog.Record, error) {
	if after > 0 {
		return nil, nil
	}
	return []eventlog.Record{{Position: 1, Meta: eventlog.Metadata{OccurredAt: e.at}}}, nil
}

// checkpoints is a read-model store where every projection has applied up to pos.
type checkpoints struct {
	Store
	pos uint64
}

func (c checkpoints) Checkpoint(context.Context, string) (uint64, error) { return c.pos, nil }

type fixedNow time.Time

func (n fixedNow) Now() time.Time { return time.Time(n) }

// TestReadinessCountsSharedLagOnlyOnTheNodeThatProjects: a read model a minute behind
// makes the node unready when it is the node's own, or when the node projects the shared
// one; on a node where another projects it, the node stays ready and names it as stale.
func TestReadinessCountsSharedLagOnlyOnTheNodeThatProjects(t *testing.T) {
	now := time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
	svc := &Service{Events: behindEvents{at: now.Add(-time.Minute)}, Store: checkpoints{}, Clock: fixedNow(now)}
	ctx := context.Background()

	if _, err := svc.Readiness(ctx); err == nil || !strings.Contains(err.Error(), "60.0 s") {
		t.Fatalf("own read models a minute behind: %v, want unready naming the lag", err)
	}
	projecting := false
	svc.ReadyRule.Shared = func(string) (bool, bool) { return true, projecting }
	stale, err := svc.Readiness(ctx)
	if err != nil {
		t.Fatalf("shared read models another node projects, a minute behind: %v, want ready", err)
	}
	if len(stale) != len(Names()) || stale[0].Seconds != 60 {
		t.Fatalf("stale %+v, want every projection 60 s behind", stale)
	}
	projecting = true
	if _, err := svc.Readiness(ctx); err == nil {
		t.Fatal("this node projects the shared read models, a minute behind: ready, want unready")
	}
	svc.ReadyRule.MaxLag = 2 * time.Minute
	if stale, err := svc.Readiness(ctx); err != nil || len(stale) != 0 {
		t.Fatalf("within a bound of 2 min: %v %+v, want ready, nothing stale", err, stale)
	}
	svc.Store, svc.ReadyRule.MaxLag = checkpoints{pos: 1}, 0
	if stale, err := svc.Readiness(ctx); err != nil || len(stale) != 0 {
		t.Fatalf("caught up: %v %+v, want ready, nothing stale", err, stale)
	}
}

// catchingUp is a read-model store whose checkpoints are read while this node's projector
// finishes its take-over: the first read returns the dead holder's checkpoint, and by the
// time it returns this node projects and has caught up (done).
type catchingUp struct {
	Store
	done func()
}

func (c catchingUp) Checkpoint(context.Context, string) (uint64, error) {
	c.done()
	return 0, nil
}

// TestReadinessJudgesTheLagItReadByWhoProjectedWhenItStarted: this node's projector
// becomes the one answering for the shared read models while /readyz reads their lag
// (read before its catch-up committed): that lag was the dead holder's backlog, not this
// node's, and the node stays ready.
func TestReadinessJudgesTheLagItReadByWhoProjectedWhenItStarted(t *testing.T) {
	now := time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
	projecting := false
	svc := &Service{Events: behindEvents{at: now.Add(-time.Minute)}, Clock: fixedNow(now),
		Store: catchingUp{done: func() { projecting = true }}}
	svc.ReadyRule.Shared = func(string) (bool, bool) { return true, projecting }
	stale, err := svc.Readiness(context.Background())
	if err != nil {
		t.Fatalf("a lag read while this node took the projector over failed it: %v", err)
	}
	if len(stale) != len(Names()) {
		t.Fatalf("stale %+v, want every projection named as the shared lag it was", stale)
	}
	if _, err := svc.Readiness(context.Background()); err == nil {
		t.Fatal("projecting since before the lag was read, a minute behind: ready, want unready")
	}
}
