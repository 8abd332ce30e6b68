package main

import (
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"
)

// progress reports a long run on stderr every interval: how many events so far and at
// what rate, so an operator can tell a slow run from a stuck one. Counting is an atomic
// add, cheap enough for every event.
type progress struct {
	label    string
	w        io.Writer
	interval time.Duration
	n        atomic.Int64
	reported atomic.Bool
	start    time.Time
	stop     chan struct{}
	done     sync.WaitGroup
}

// newProgress starts reporting; a nil writer or a zero interval reports nothing.
func newProgress(label string, w io.Writer, interval time.Duration) *progress {
	p := &progress{label: label, w: w, interval: interval, start: time.Now(), stop: make(chan struct{})}
	if w == nil || interval <= 0 {
		return p
	}
	p.done.Add(1)
	go p.run()
	return p
}

func (p *progress) run() {
	defer p.done.Done()
	t := time.NewTicker(p.interval)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
			p.reported.Store(true)
			p.report("")
		}
	}
}

// add counts n more events.
func (p *progress) add(n int) { p.n.Add(int64(n)) }

// set says how many events so far, for callers that count themselves.
func (p *progress) set(n int) { p.n.Store(int64(n)) }

func (p *progress) report(suffix string) {
	n, secs := p.n.Load(), time.Since(p.start).Seconds()
	rate := 0.0
	if secs > 0 {
		rate = float64(n) / secs
	}
	fmt.Fprintf(p.w, "%s: %d events, %.0f events/s, %.1fs%s\n", p.label, n, rate, secs, suffix)
}

// finish stops the reports and, when some were written, writes the last one.
func (p *progress) finish() {
	select {
	case <-p.stop:
		return
	default:
	}
	close(p.stop)
	p.done.Wait()
	if p.reported.Load() {
		p.report(" (done)")
	}
}
