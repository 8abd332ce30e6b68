package access

import (
	"context"
	"sync"
	"time"
)

// Counters keep the limiters' counts: per key and time slot. The memory ones
// (NewMemoryCounters, the default) are each process's own; shared ones
// (adapters/ratelimit/pglimits) make every ticketd on one database draw on one budget, so
// a client cannot multiply its guesses by the number of nodes.
type Counters interface {
	// Add adds hit.N to the count of hit.Key in hit.Slot and returns the sum of the key's
	// counts in slots hit.From through hit.Slot, atomically with the addition. N is 1 (an
	// attempt), -1 (a refused attempt taken back) or 0 (only read).
	Add(ctx context.Context, hit Hit) (int, error)
}

// Hit is one limiter's count of one client at one moment.
type Hit struct {
	Key  string // the limiter's name and the client key
	Slot int64  // the current slot: the time divided by the slot's length
	From int64  // the oldest slot still in the window
	N    int
	// Expires is when the slot leaves every window: past it the count may be swept.
	Expires time.Time
	Now     time.Time
}

// MemoryCounters are Counters of one process, bounded in memory.
type MemoryCounters struct {
	mu   sync.Mutex
	keys map[string]map[int64]int
}

// maxMemoryKeys bounds the memory counters under a flood of addresses: past it, they start
// afresh (the flood's budget with them, which is the price of the bound).
const maxMemoryKeys = 100_000

// NewMemoryCounters returns empty counters.
func NewMemoryCounters() *MemoryCounters { return &MemoryCounters{keys: map[string]map[int64]int{}} }

// Add implements Counters; slots older than hit.From are dropped as it goes.
func (m *MemoryCounters) Add(_ context.Context, hit Hit) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	slots, ok := m.keys[hit.Key]
	if !ok {
		if hit.N == 0 {
			return 0, nil
		}
		if len(m.keys) >= maxMemoryKeys {
			m.keys = map[string]map[int64]int{}
		}
		slots = map[int64]int{}
		m.keys[hit.Key] = slots
	}
	slots[hit.Slot] += hit.N
	sum, empty := 0, true
	for s, n := range slots {
		switch {
		case s < hit.From:
			delete(slots, s)
			continue
		case s <= hit.Slot:
			sum += n
		}
		empty = empty && n == 0
	}
	if empty {
		delete(m.keys, hit.Key)
	}
	return sum, nil
}
