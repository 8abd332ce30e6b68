// Package counterstest is the conformance suite of access.Counters: every implementation
// (memory, PostgreSQL) runs it from its own tests.
package counterstest

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/access"
)

// Run checks counters made fresh by open for every sub-test.
func Run(t *testing.T, open func(t *testing.T) access.Counters) {
	t.Run("SumsTheWindow", func(t *testing.T) { testSumsTheWindow(t, open(t)) })
	t.Run("KeysApart", func(t *testing.T) { testKeysApart(t, open(t)) })
	t.Run("TakeBack", func(t *testing.T) { testTakeBack(t, open(t)) })
	t.Run("Concurrent", func(t *testing.T) { testConcurrent(t, open(t)) })
	t.Run("Limiter", func(t *testing.T) { testLimiter(t, open(t)) })
}

// at is a hit of key in slot, for a window of six slots of a second.
func at(key string, slot int64, n int) access.Hit {
	base := time.Unix(0, 0)
	return access.Hit{Key: key, Slot: slot, From: slot - 5, N: n,
		Expires: base.Add(time.Duration(slot+7) * time.Second), Now: base.Add(time.Duration(slot) * time.Second)}
}

func add(t *testing.T, c access.Counters, h access.Hit) int {
	t.Helper()
	sum, err := c.Add(context.Background(), h)
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

func newKey() string { return "test|" + uuid.NewString() }

// testSumsTheWindow: the sum counts the slots from From through Slot, no older ones.
func testSumsTheWindow(t *testing.T, c access.Counters) {
	k := newKey()
	slot := time.Now().Unix() // real-looking slots: shared counters sweep by time
	steps := []struct {
		slot    int64
		n, want int
	}{
		{slot, 1, 1}, {slot, 1, 2}, {slot + 2, 1, 3}, {slot + 5, 0, 3}, {slot + 5, 1, 4},
		{slot + 6, 0, 2}, // slot's two counts left the window
		{slot + 8, 1, 2}, // slot+2's too; slot+5's and slot+8's remain
		{slot + 20, 0, 0},
	}
	for i, s := range steps {
		if got := add(t, c, at(k, s.slot, s.n)); got != s.want {
			t.Fatalf("step %d (slot +%d, n %d): sum %d, want %d", i, s.slot-slot, s.n, got, s.want)
		}
	}
}

// testKeysApart: one key's counts are not another's.
func testKeysApart(t *testing.T, c access.Counters) {
	a, b := newKey(), newKey()
	slot := time.Now().Unix()
	add(t, c, at(a, slot, 1))
	add(t, c, at(a, slot, 1))
	if got := add(t, c, at(b, slot, 1)); got != 1 {
		t.Fatalf("b counts %d after its first hit", got)
	}
	if got := add(t, c, at(a, slot, 0)); got != 2 {
		t.Fatalf("a counts %d, want 2", got)
	}
	if got := add(t, c, at(newKey(), slot, 0)); got != 0 {
		t.Fatalf("a new key reads %d", got)
	}
}

// testTakeBack: a negative hit takes a count back.
func testTakeBack(t *testing.T, c access.Counters) {
	k := newKey()
	slot := time.Now().Unix()
	add(t, c, at(k, slot, 1))
	add(t, c, at(k, slot, 1))
	if got := add(t, c, at(k, slot, -1)); got != 1 {
		t.Fatalf("after taking one back: %d, want 1", got)
	}
}

// testConcurrent: hits at once are each counted once, and every caller sees a distinct
// sum (the addition and the sum are one step).
func testConcurrent(t *testing.T, c access.Counters) {
	k := newKey()
	slot := time.Now().Unix()
	const workers, each = 8, 10
	var mu sync.Mutex
	seen := map[int]bool{}
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				sum, err := c.Add(context.Background(), at(k, slot, 1))
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				seen[sum] = true
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if got := add(t, c, at(k, slot, 0)); got != workers*each {
		t.Fatalf("%d hits at once counted %d", workers*each, got)
	}
	if len(seen) != workers*each {
		t.Fatalf("callers saw %d distinct sums, want %d", len(seen), workers*each)
	}
}

// testLimiter: two limiters on the same counters and name share one budget, the way two
// nodes do; another name is another budget.
func testLimiter(t *testing.T, c access.Counters) {
	name := "portal-" + uuid.NewString()
	one := access.NewSharedLimiter(name, 4, time.Minute, c)
	two := access.NewSharedLimiter(name, 4, time.Minute, c)
	other := access.NewSharedLimiter(name+"-other", 4, time.Minute, c)
	for i := range 4 {
		node := []*access.Limiter{one, two}[i%2]
		if !node.Allow("198.51.100.7") {
			t.Fatalf("refused after %d failures of 4", i)
		}
		node.Failed("198.51.100.7")
	}
	if one.Allow("198.51.100.7") || two.Allow("198.51.100.7") {
		t.Fatal("4 failures across two nodes: still allowed")
	}
	if !other.Allow("198.51.100.7") || !one.Allow("198.51.100."+strconv.Itoa(8)) {
		t.Fatal("another limiter or another client is refused")
	}
	for range 4 {
		if !other.Take("198.51.100.9") {
			t.Fatal("a take within the budget is refused")
		}
	}
	if other.Take("198.51.100.9") {
		t.Fatal("the fifth take is allowed")
	}
}
