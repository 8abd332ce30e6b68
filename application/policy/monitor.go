package policy

import (
	"container/heap"
	"context"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/domain"
)

// The SLA monitor keeps a timer index: a min-heap of (time, ticket, clock), where time is
// the next moment a clock of an open ticket needs a look: its warning point if the current
// due time was not yet warned about, else just past its due time. Entries are never
// removed when a ticket changes; a changed ticket pushes a new entry, and the map `next`
// says which entry is current, so stale ones are dropped when they surface. When an entry
// comes due the monitor issues CheckSLA; the domain decides from the stream whether a
// warning or breach is due and refuses duplicates, so a late, repeated or concurrent
// check (another process) records nothing twice.

type timerKey struct {
	ticket uuid.UUID
	clock  string
}

type timerEntry struct {
	at time.Time
	timerKey
}

type timerHeap []timerEntry

func (h timerHeap) Len() int           { return len(h) }
func (h timerHeap) Less(i, j int) bool { return h[i].at.Before(h[j].at) }
func (h timerHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *timerHeap) Push(x any)        { *h = append(*h, x.(timerEntry)) }
func (h *timerHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	*h = old[:len(old)-1]
	return e
}

type monitor struct {
	mu   sync.Mutex
	h    timerHeap
	next map[timerKey]time.Time
	wake chan struct{}
}

func newMonitor() *monitor {
	return &monitor{next: map[timerKey]time.Time{}, wake: make(chan struct{}, 1)}
}

// set makes at the current check time of the key; a zero at cancels it.
func (m *monitor) set(k timerKey, at time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if cur, ok := m.next[k]; ok && cur.Equal(at) {
		return
	}
	if at.IsZero() {
		delete(m.next, k)
		return
	}
	m.next[k] = at
	heap.Push(&m.h, timerEntry{at, k})
	if len(m.h) > 2*len(m.next)+1024 {
		m.compact() // stale entries (rescheduled or cancelled) outnumber live ones
	}
	if m.h.Len() > 0 && m.h[0].timerKey == k && m.h[0].at.Equal(at) {
		select {
		case m.wake <- struct{}{}:
		default:
		}
	}
}

// compact rebuilds the heap from the current entries only.
func (m *monitor) compact() {
	h := make(timerHeap, 0, len(m.next))
	for k, at := range m.next {
		h = append(h, timerEntry{at, k})
	}
	heap.Init(&h)
	m.h = h
}

// due pops the current entries whose time has come.
func (m *monitor) due(now time.Time) ([]timerKey, time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []timerKey
	for m.h.Len() > 0 && !m.h[0].at.After(now) {
		e := heap.Pop(&m.h).(timerEntry)
		if cur, ok := m.next[e.timerKey]; ok && cur.Equal(e.at) {
			delete(m.next, e.timerKey)
			out = append(out, e.timerKey)
		}
	}
	var next time.Time
	if m.h.Len() > 0 {
		next = m.h[0].at
	}
	return out, next
}

// run fires due checks until ctx ends; fire runs one at a time.
func (m *monitor) run(ctx context.Context, now func() time.Time, fire func(context.Context, timerKey)) error {
	t := time.NewTimer(time.Hour)
	defer t.Stop()
	for {
		keys, next := m.due(now())
		for _, k := range keys {
			fire(ctx, k)
		}
		if len(keys) > 0 {
			continue
		}
		wait := time.Hour
		if !next.IsZero() {
			wait = max(next.Sub(now()), time.Millisecond)
		}
		t.Reset(wait)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-m.wake:
		case <-t.C:
		}
	}
}

// checkTimes gives, for each clock, when the monitor must next look at the ticket (zero:
// not while nothing changes). A waiting ticket has none: its clocks are paused, and the
// event that ends the wait reschedules it.
func checkTimes(s domain.TicketState, p domain.SLAPolicy, now time.Time) (firstResponse, resolution time.Time) {
	if !s.Status.Open() || !s.WaitingSince.IsZero() {
		return time.Time{}, time.Time{}
	}
	fr, res := s.Clocks(now)
	firstResponse = checkTime(fr, s.FirstResponseBreached, s.FirstResponseWarned, func(due time.Time) time.Time {
		return s.WarningAt(domain.ClockFirstResponse, due, p)
	})
	resolution = checkTime(res, s.ResolutionBreached, s.ResolutionWarned, func(due time.Time) time.Time {
		return s.WarningAt(domain.ClockResolution, due, p)
	})
	return firstResponse, resolution
}

// checkTime: warnAt is the clock's warning point for a due time (under its calendar).
func checkTime(c domain.ClockStatus, breached bool, warned time.Time, warnAt func(time.Time) time.Time) time.Time {
	if !c.Running || breached {
		return time.Time{}
	}
	if !warned.Equal(c.Due) {
		if w := warnAt(c.Due); w.Before(c.Due) {
			return w
		}
	}
	return c.Due.Add(time.Millisecond) // a breach is "now after due", at millisecond precision
}
