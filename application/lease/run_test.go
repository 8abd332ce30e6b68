package lease_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/application/lease"
	"github.com/ticketengine/ticketengine/application/lease/leasetest"
)

// duties counts the duty's runs and fails the test when two run at once.
type duties struct {
	t       *testing.T
	running atomic.Int32
	mu      sync.Mutex
	epochs  []uint64
	holders []string
	causes  []error // why each run's context ended, in order of ending
	started chan string
}

func (d *duties) duty(holder string) lease.Duty {
	return func(ctx context.Context, epoch uint64) error {
		if n := d.running.Add(1); n > 1 {
			d.t.Errorf("%d duties run at once", n)
		}
		d.mu.Lock()
		d.epochs, d.holders = append(d.epochs, epoch), append(d.holders, holder)
		d.mu.Unlock()
		d.started <- holder
		<-ctx.Done()
		d.mu.Lock()
		d.causes = append(d.causes, context.Cause(ctx))
		d.mu.Unlock()
		d.running.Add(-1)
		return nil
	}
}

// TestRunTakeOver: of two nodes running one duty, one runs it; when that node loses the
// store, its duty is stopped and the other node runs it under a greater epoch, within
// about a TTL; the duties never overlap.
func TestRunTakeOver(t *testing.T) {
	const ttl = 1500 * time.Millisecond
	shared := lease.NewMemory(nil)
	nodes := map[string]*leasetest.Cuttable{"a": {Store: shared}, "b": {Store: shared}}
	d := &duties{t: t, started: make(chan string, 4)}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for name, n := range nodes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = lease.Run(ctx, n, "sla", lease.Config{Holder: name, TTL: ttl}, nil, d.duty(name))
		}()
	}
	first := wait(t, d.started, 2*ttl)
	nodes[first].Off.Store(true)
	second := wait(t, d.started, 3*ttl)
	if second == first {
		t.Fatalf("%s ran the duty again without the store", first)
	}
	cancel()
	wg.Wait()
	if d.epochs[1] <= d.epochs[0] {
		t.Fatalf("epochs %v: want growing", d.epochs)
	}
	if !errors.Is(d.causes[0], lease.ErrLost) {
		t.Fatalf("the duty of the node that lost the lease ended with %v, want lease.ErrLost (it must not finish what it has in hand)", d.causes[0])
	}
	if errors.Is(d.causes[1], lease.ErrLost) {
		t.Fatal("the duty of the node that stopped ended as if its lease was lost: it may finish what it has in hand")
	}
}

func wait(t *testing.T, c <-chan string, within time.Duration) string {
	t.Helper()
	select {
	case s := <-c:
		return s
	case <-time.After(within):
		t.Fatalf("no duty started within %s", within)
		return ""
	}
}

// TestRunReleasesWhenStopped: a node that stops releases the lease after its duty returned,
// so another node takes it at once.
func TestRunReleasesWhenStopped(t *testing.T) {
	s := lease.NewMemory(nil)
	d := &duties{t: t, started: make(chan string, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() {
		done <- lease.Run(ctx, s, "relay", lease.Config{Holder: "a", TTL: time.Hour}, nil, d.duty("a"))
	}()
	wait(t, d.started, time.Second)
	if _, err := s.Acquire(context.Background(), "relay", "b", time.Hour); !errors.Is(err, lease.ErrHeld) {
		t.Fatalf("acquire while held: %v", err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if d.running.Load() != 0 {
		t.Fatal("Run returned before its duty")
	}
	if _, err := s.Acquire(context.Background(), "relay", "b", time.Hour); err != nil {
		t.Fatalf("acquire after the holder stopped: %v", err)
	}
}

// TestRunRestartsAFailedDuty: a duty that fails gives the lease up and runs again.
func TestRunRestartsAFailedDuty(t *testing.T) {
	s := lease.NewMemory(nil)
	var runs atomic.Int32
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	again := make(chan uint64, 2)
	go func() {
		_ = lease.Run(ctx, s, "mail", lease.Config{Holder: "a", TTL: 150 * time.Millisecond}, nil,
			func(ctx context.Context, epoch uint64) error {
				if runs.Add(1) == 1 {
					return errors.New("smtp down")
				}
				again <- epoch
				<-ctx.Done()
				return nil
			})
	}()
	select {
	case e := <-again:
		if e != 2 {
			t.Fatalf("second run under epoch %d, want 2 (the first released)", e)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("the failed duty did not run again")
	}
}
