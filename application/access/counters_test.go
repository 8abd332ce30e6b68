package access_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/application/access"
	"github.com/ticketengine/ticketengine/application/access/counterstest"
)

func TestMemoryCountersConformance(t *testing.T) {
	counterstest.Run(t, func(*testing.T) access.Counters { return access.NewMemoryCounters() })
}

type failingCounters struct{}

func (failingCounters) Add(context.Context, access.Hit) (int, error) {
	return 0, errors.New("database down")
}

// TestLimiterFailsOpen: when the shared counters fail, requests pass and the failure is
// reported, so an outage of the counters locks no customer out.
func TestLimiterFailsOpen(t *testing.T) {
	l := access.NewSharedLimiter("portal", 1, time.Minute, failingCounters{})
	var heard []error
	l.OnError = func(err error) { heard = append(heard, err) }
	l.Failed("198.51.100.1")
	if !l.Allow("198.51.100.1") || !l.Take("198.51.100.1") || !l.Take("198.51.100.1") {
		t.Fatal("refused while the counters are down")
	}
	if len(heard) != 4 {
		t.Fatalf("heard %d failures, want 4", len(heard))
	}
}
