package policy

import (
	"testing"
	"time"

	"github.com/google/uuid"
)

// Rescheduling a key many times leaves only its latest time live, also across compactions
// of the heap, and a cancelled key never comes due.
func TestTimerIndexKeepsOnlyTheLatestTime(t *testing.T) {
	m := newMonitor()
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	keys := make([]timerKey, 100)
	for i := range keys {
		keys[i] = timerKey{uuid.New(), "resolution"}
	}
	for round := range 50 { // 5,000 pushes: several compactions
		for i, k := range keys {
			m.set(k, base.Add(time.Duration(round*1000+i)*time.Second))
		}
	}
	m.set(keys[0], time.Time{}) // cancelled
	if len(m.h) > 2*len(m.next)+1024 {
		t.Fatalf("heap holds %d entries for %d live keys", len(m.h), len(m.next))
	}
	due, _ := m.due(base.Add(49*1000*time.Second + 50*time.Second))
	if len(due) != 50 {
		t.Fatalf("%d due, want 50 (keys 1..50 at their last time)", len(due))
	}
	for _, k := range due {
		if k == keys[0] {
			t.Fatal("a cancelled key came due")
		}
	}
	if rest, _ := m.due(base.Add(100 * 1000 * time.Second)); len(rest) != 49 {
		t.Fatalf("%d due later, want 49", len(rest))
	}
}
