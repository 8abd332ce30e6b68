package pglimits_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/adapters/postgrestest"
	"github.com/ticketengine/ticketengine/adapters/ratelimit/pglimits"
	"github.com/ticketengine/ticketengine/application/access"
	"github.com/ticketengine/ticketengine/application/access/counterstest"
)

func open(t *testing.T, dsn string) *pglimits.Counters {
	t.Helper()
	c, err := pglimits.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func TestConformance(t *testing.T) {
	dsn := postgrestest.FreshSchema(t, "t_pglimits_")
	counterstest.Run(t, func(t *testing.T) access.Counters { return open(t, dsn) })
}

// TestSweep: rows whose slot has left every window are deleted, the others kept.
func TestSweep(t *testing.T) {
	c := open(t, postgrestest.FreshSchema(t, "t_pglimits_"))
	ctx := context.Background()
	now := time.Now()
	for i, expires := range []time.Time{now.Add(-time.Second), now.Add(-time.Hour), now.Add(time.Minute)} {
		hit := access.Hit{Key: "portal|198.51.100.1", Slot: int64(i), From: 0, N: 1, Expires: expires, Now: now}
		if _, err := c.Add(ctx, hit); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := c.Sweep(ctx, now); err != nil || n != 2 {
		t.Fatalf("swept %d (%v), want the 2 expired rows", n, err)
	}
	if sum, err := c.Add(ctx, access.Hit{Key: "portal|198.51.100.1", Slot: 2, From: 0, Now: now}); err != nil || sum != 1 {
		t.Fatalf("after the sweep the window holds %d (%v), want 1", sum, err)
	}
}

// BenchmarkAdd: one counted hit (the statement every failed look-up costs).
func BenchmarkAdd(b *testing.B) {
	dsn := postgrestest.FreshSchema(b, "t_pglimits_")
	c, err := pglimits.Open(context.Background(), dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	l := access.NewSharedLimiter("portal", 1<<30, time.Minute, c)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		l.Failed("198.51.100." + strconv.Itoa(i%200))
	}
}
