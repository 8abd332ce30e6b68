package s3blob

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestKeyLocks: holders of one key take turns, holders of two keys run at once, and no
// entry is left once every holder has unlocked.
func TestKeyLocks(t *testing.T) {
	var k keyLocks
	var inside, most atomic.Int32
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer k.lock("same")()
			n := inside.Add(1)
			for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
			}
			time.Sleep(2 * time.Millisecond)
			inside.Add(-1)
		}()
	}
	wg.Wait()
	if most.Load() != 1 {
		t.Fatalf("%d holders of one key at once, want 1", most.Load())
	}
	unlockA := k.lock("a")
	locked := make(chan struct{})
	go func() { k.lock("b")(); close(locked) }()
	select {
	case <-locked:
	case <-time.After(5 * time.Second):
		t.Fatal("a lock of another key waited for the first")
	}
	unlockA()
	if len(k.m) != 0 {
		t.Fatalf("%d entries left after every unlock", len(k.m))
	}
}
