package main

import (
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// class groups request kinds for the headline rates.
type class int

const (
	classCommand class = iota // a POST that appends events
	classRead                 // a GET a user makes
	classProbe                // a read made only to measure projection lag
)

// kindStats is what one request kind (receive, get_ticket, …) measured.
type kindStats struct {
	name    string
	class   class
	latency histogram // successful requests only
	ok      atomic.Uint64
	mu      sync.Mutex
	errors  map[int]uint64 // by HTTP status; 0 = no response (transport error)
}

// stats is shared by every worker of a run.
type stats struct {
	mu    sync.Mutex
	kinds map[string]*kindStats
	lag   histogram // projection lag: command response → read model shows it
	// lagMissed counts probes that never saw their version (timeout or error).
	lagMissed  atomic.Uint64
	lagDropped atomic.Uint64 // probes not made because the probe queue was full
}

func newStats() *stats { return &stats{kinds: map[string]*kindStats{}} }

// kind returns the counters of a request kind, creating them on first use.
func (s *stats) kind(name string, c class) *kindStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	k, ok := s.kinds[name]
	if !ok {
		k = &kindStats{name: name, class: c, errors: map[int]uint64{}}
		s.kinds[name] = k
	}
	return k
}

// observe records one finished request.
func (s *stats) observe(name string, c class, status int, success bool, d time.Duration) {
	k := s.kind(name, c)
	if success {
		k.ok.Add(1)
		k.latency.Record(d)
		return
	}
	k.mu.Lock()
	k.errors[status]++
	k.mu.Unlock()
}

// errorCount is the number of failed requests of the kind.
func (k *kindStats) errorCount() uint64 {
	k.mu.Lock()
	defer k.mu.Unlock()
	var n uint64
	for _, c := range k.errors {
		n += c
	}
	return n
}

// totals sums successful and failed requests per class.
func (s *stats) totals() (ok map[class]uint64, failed uint64) {
	ok = map[class]uint64{}
	for _, k := range s.sorted() {
		ok[k.class] += k.ok.Load()
		failed += k.errorCount()
	}
	return ok, failed
}

// sorted returns the kinds by class, then name, for stable reports.
func (s *stats) sorted() []*kindStats {
	s.mu.Lock()
	out := make([]*kindStats, 0, len(s.kinds))
	for _, k := range s.kinds {
		out = append(out, k)
	}
	s.mu.Unlock()
	sort.Slice(out, func(i, j int) bool {
		if out[i].class != out[j].class {
			return out[i].class < out[j].class
		}
		return out[i].name < out[j].name
	})
	return out
}
