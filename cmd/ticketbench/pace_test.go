package main

import (
	"context"
	"testing"
	"time"
)

// TestPacerHandsOutEvenlySpacedSlots: whoever asks, the n-th slot is due at start + n/rate,
// and a slot taken late is returned with its due time (so latency counts from it) and
// recorded as how far behind the schedule fell.
func TestPacerHandsOutEvenlySpacedSlots(t *testing.T) {
	start := time.Now().Add(-time.Second) // every slot below is already due
	p := newPacer(100, start)
	for i := range 5 {
		due, err := p.wait(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if want := start.Add(time.Duration(i) * 10 * time.Millisecond); !due.Equal(want) {
			t.Fatalf("slot %d due %v, want %v", i, due.Sub(start), want.Sub(start))
		}
	}
	if behind := time.Duration(p.behind.Load()); behind < 900*time.Millisecond {
		t.Errorf("behind %v, want about 1 s", behind)
	}
}

func TestPacerWaitEndsWithItsContext(t *testing.T) {
	p := newPacer(0.001, time.Now()) // the second slot is due in 1000 s
	if _, err := p.wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := p.wait(ctx); err == nil {
		t.Fatal("a wait for a slot 1000 s away returned without error on a cancelled context")
	}
}
