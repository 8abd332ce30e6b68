package access

import (
	"net"
	"sync"
	"time"

	"github.com/ticketengine/ticketengine/domain/errs"
)

// ErrRateLimited is what a caller refused by a Limiter answers (429 with Retry-After).
var ErrRateLimited = errs.E(errs.RateLimited, "too many look-ups")

// Limiter throttles look-ups by number and code (the portal's, later mail's) per client address over a sliding window: once
// `failures` failed look-ups (unknown number or wrong code) fall in one window, the
// address gets 429 until the window moves on. Successful look-ups are not limited, so an
// honest customer re-checking a ticket is never refused, while guessing codes is.
type Limiter struct {
	mu       sync.Mutex
	failures int
	window   time.Duration
	clients  map[string]*clientWindow
	now      func() time.Time
}

type clientWindow struct {
	failed []time.Time
}

// NewLimiter returns a limiter that refuses an address after `failures` failed look-ups in `window`.
func NewLimiter(failures int, window time.Duration) *Limiter {
	return &Limiter{failures: failures, window: window, clients: map[string]*clientWindow{}, now: time.Now}
}

// Allow reports whether the address may look up now.
func (l *Limiter) Allow(addr string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.client(addr, l.now()).failed) < l.failures
}

// Take counts one attempt and reports whether it is allowed: the limiter used as a plain
// rate limit (every attempt counts, as for self-service tickets), not only on failures.
// A refused attempt is not counted, so a client that waits gets back in after the window.
func (l *Limiter) Take(addr string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	c := l.client(addr, now)
	if len(c.failed) >= l.failures {
		return false
	}
	c.failed = append(c.failed, now)
	return true
}

// Failed records a failed look-up (unknown number or wrong code).
func (l *Limiter) Failed(addr string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	c := l.client(addr, now)
	c.failed = append(c.failed, now)
}

func (l *Limiter) client(addr string, now time.Time) *clientWindow {
	if len(l.clients) > 100_000 {
		l.clients = map[string]*clientWindow{} // bound memory under a flood of addresses
	}
	c, ok := l.clients[addr]
	if !ok {
		c = &clientWindow{}
		l.clients[addr] = c
	}
	cut := now.Add(-l.window)
	c.failed = dropBefore(c.failed, cut)
	return c
}

func dropBefore(ts []time.Time, cut time.Time) []time.Time {
	i := 0
	for i < len(ts) && ts[i].Before(cut) {
		i++
	}
	return ts[i:]
}

// ClientAddr is the client key of a connection's remote address ("host:port" or a bare
// host): its IP. Proxies are expected to be configured outside.
func ClientAddr(remoteAddr string) string {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		return remoteAddr
	}
	return host
}
