package access

import (
	"context"
	"net"
	"time"

	"github.com/ticketengine/ticketengine/domain/errs"
)

// ErrRateLimited is what a caller refused by a Limiter answers (429 with Retry-After).
var ErrRateLimited = errs.E(errs.RateLimited, "too many look-ups")

// Limiter throttles look-ups by number and code (the portal's, later mail's) per client
// address over a sliding window: once `failures` failed look-ups (unknown number or wrong
// code) fall in one window, the address gets 429 until the window moves on. Successful
// look-ups are not limited, so an honest customer re-checking a ticket is never refused,
// while guessing codes is. The window moves in slots of a sixth of it, so a count leaves
// it between five and six sixths of the window after it was made; the counts live in
// Counters, the process's own or shared by every node.
type Limiter struct {
	name     string
	failures int
	window   time.Duration
	counters Counters
	now      func() time.Time
	// OnError hears of the shared counters failing; the limiter then lets the request
	// through (failing open: a database outage must not lock every customer out).
	OnError func(error)
}

// slotsPerWindow is how finely the window moves.
const slotsPerWindow = 6

// counterTimeout bounds one count in shared counters.
const counterTimeout = 2 * time.Second

// NewLimiter returns a limiter of this process alone that refuses an address after
// `failures` failed look-ups in `window`.
func NewLimiter(failures int, window time.Duration) *Limiter {
	return NewSharedLimiter("", failures, window, NewMemoryCounters())
}

// NewSharedLimiter is NewLimiter keeping its counts in c under the given name (several
// limiters may share one Counters: each names its keys).
func NewSharedLimiter(name string, failures int, window time.Duration, c Counters) *Limiter {
	return &Limiter{name: name, failures: failures, window: window, counters: c, now: time.Now}
}

// Allow reports whether the address may look up now.
func (l *Limiter) Allow(addr string) bool { return l.count(addr, 0) < l.failures }

// Take counts one attempt and reports whether it is allowed: the limiter used as a plain
// rate limit (every attempt counts, as for self-service tickets), not only on failures.
// A refused attempt is taken back, so a client that waits gets back in after the window.
func (l *Limiter) Take(addr string) bool {
	if l.count(addr, 1) <= l.failures {
		return true
	}
	l.count(addr, -1)
	return false
}

// Refund takes back an attempt Take counted that turned out to cost nothing (a vote
// that changed nothing), so it does not use up the client's budget.
func (l *Limiter) Refund(addr string) { l.count(addr, -1) }

// Failed records a failed look-up (unknown number or wrong code).
func (l *Limiter) Failed(addr string) { l.count(addr, 1) }

// count adds n to the address's count and returns the count in the window (0 when the
// counters fail: see OnError).
func (l *Limiter) count(addr string, n int) int {
	now := l.now()
	slotLen := l.window / slotsPerWindow
	if slotLen <= 0 {
		slotLen = 1
	}
	slot := now.UnixNano() / int64(slotLen)
	hit := Hit{Key: l.name + "|" + addr, Slot: slot, From: slot - slotsPerWindow + 1, N: n,
		Expires: time.Unix(0, (slot+1)*int64(slotLen)).Add(l.window), Now: now}
	ctx, cancel := context.WithTimeout(context.Background(), counterTimeout)
	defer cancel()
	sum, err := l.counters.Add(ctx, hit)
	if err != nil {
		if l.OnError != nil {
			l.OnError(err)
		}
		return 0
	}
	return sum
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
