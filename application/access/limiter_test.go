package access

import (
	"testing"
	"time"
)

func TestLimiterRefusesAfterFailuresInTheWindow(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := NewLimiter(2, time.Minute)
	l.now = func() time.Time { return now }
	if !l.Allow("a") {
		t.Fatal("a fresh client is refused")
	}
	l.Failed("a")
	l.Failed("a")
	if l.Allow("a") {
		t.Error("two failures in the window are allowed")
	}
	if !l.Allow("b") {
		t.Error("another client is refused")
	}
	now = now.Add(61 * time.Second)
	if !l.Allow("a") {
		t.Error("still refused once the window moved on")
	}
}

func TestClientAddr(t *testing.T) {
	for in, want := range map[string]string{"10.0.0.1:5555": "10.0.0.1", "[::1]:80": "::1", "10.0.0.2": "10.0.0.2"} {
		if got := ClientAddr(in); got != want {
			t.Errorf("ClientAddr(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLimiterTakeCountsEveryAttempt(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := NewLimiter(3, time.Minute)
	l.now = func() time.Time { return now }
	for i := range 3 {
		if !l.Take("a") {
			t.Fatalf("attempt %d of 3 refused", i+1)
		}
	}
	if l.Take("a") {
		t.Error("the 4th attempt in the window is allowed")
	}
	if !l.Take("b") {
		t.Error("another client is refused")
	}
	now = now.Add(30 * time.Second)
	if l.Take("a") {
		t.Error("allowed again before the window moved on")
	}
	now = now.Add(31 * time.Second)
	if !l.Take("a") {
		t.Error("still refused once the window moved on (refused attempts must not count)")
	}
}

// TestLimiterRefund: an attempt taken back leaves the budget as it was (a vote that
// changed nothing costs nothing).
func TestLimiterRefund(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := NewLimiter(2, time.Minute)
	l.now = func() time.Time { return now }
	for range 5 {
		if !l.Take("a") {
			t.Fatal("a refunded attempt still counted")
		}
		l.Refund("a")
	}
	if !l.Take("a") || !l.Take("a") || l.Take("a") {
		t.Error("after refunds the budget is not the full two")
	}
}
