package main

import (
	"context"
	"sync/atomic"
	"time"
)

// pacer spreads commands evenly over time for an open-loop run (--rate): the n-th command
// is due at start + n/rate, whoever sends it. A worker that takes a slot already past
// sends at once; the report's latency counts from the due time, so falling behind shows.
type pacer struct {
	start    time.Time
	interval time.Duration
	next     atomic.Int64
	behind   atomic.Int64 // the largest delay, in ns, between a slot's due time and its take
}

func newPacer(rate float64, start time.Time) *pacer {
	return &pacer{start: start, interval: time.Duration(float64(time.Second) / rate)}
}

// wait blocks until the next slot is due and returns its due time.
func (p *pacer) wait(ctx context.Context) (time.Time, error) {
	n := p.next.Add(1) - 1
	due := p.start.Add(time.Duration(n) * p.interval)
	d := time.Until(due)
	if d <= 0 {
		for late := -d.Nanoseconds(); ; {
			b := p.behind.Load()
			if late <= b || p.behind.CompareAndSwap(b, late) {
				break
			}
		}
		return due, nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return due, nil
	case <-ctx.Done():
		return due, ctx.Err()
	}
}
