package imapmail

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/emersion/go-imap/v2"
)

// mailKey names one mail in a mailbox for as long as the mailbox's UIDVALIDITY holds.
type mailKey struct {
	validity uint32
	uid      imap.UID
}

// retries remembers the mails Take failed on with an error that may pass (not a
// refusal), so that one mail failing the same way every time (a poison mail) neither
// stalls the mail behind it nor is retried for ever: a failed mail is left unseen and
// skipped until its backoff is over, and after `max` counted attempts it is moved to the
// refused folder with its last error.
//
// Only attempts that look like the mail's own fault are counted: a failure counts once
// another mail was taken after it (the store was up, so it was this mail). While the
// store is down every mail fails and none is taken, so nothing is counted and no good
// mail is moved aside; its failures only pace the retries.
//
// The counts are this node's: after a hand-over of the mailbox's lease the next holder
// starts them afresh (a poison mail then costs up to `max` more attempts there).
type retries struct {
	mu     sync.Mutex
	max    int
	base   time.Duration
	byMail map[mailKey]*failure
	gaveUp atomic.Int64
}

type failure struct {
	attempts int  // counted attempts
	pending  bool // the last failure is not counted yet: no mail was taken after it
	next     time.Time
	last     string // the last error, the reason given when the mail is moved aside
}

func newRetries(max int, base time.Duration) *retries {
	return &retries{max: max, base: base, byMail: map[mailKey]*failure{}}
}

// due reports whether the mail may be tried now (not failed, or its backoff over).
func (r *retries) due(k mailKey, now time.Time) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	f := r.byMail[k]
	return f == nil || !now.Before(f.next)
}

// known reports whether the mail failed before (and is being tried again).
func (r *retries) known(k mailKey) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.byMail[k] != nil
}

// exhausted returns the mail's last error when its counted attempts reached the limit:
// it is to be moved aside instead of tried again.
func (r *retries) exhausted(k mailKey) (string, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	f := r.byMail[k]
	if f == nil || f.attempts < r.max {
		return "", false
	}
	return f.last, true
}

// failed records a failed attempt (uncounted until another mail is taken) and sets when
// the mail is next tried: the base pause doubled for each counted attempt, at most an hour.
func (r *retries) failed(k mailKey, err error, now time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	f := r.byMail[k]
	if f == nil {
		f = &failure{}
		r.byMail[k] = f
	}
	f.pending, f.last = true, err.Error()
	f.next = now.Add(min(r.base<<min(f.attempts, 12), time.Hour))
}

// taken records that a mail was taken: the store is up, so every failure before it was
// its mail's own and counts. The taken mail itself is forgotten.
func (r *retries) taken(k mailKey) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.byMail, k)
	for _, f := range r.byMail {
		if f.pending {
			f.attempts, f.pending = f.attempts+1, false
		}
	}
}

// forget drops a mail moved aside; gaveUp counts the poison mails among them.
func (r *retries) forget(k mailKey, gaveUp bool) {
	r.mu.Lock()
	delete(r.byMail, k)
	r.mu.Unlock()
	if gaveUp {
		r.gaveUp.Add(1)
	}
}

// keepOnly forgets the mails no longer unseen in the mailbox (taken by another node,
// moved back or deleted by a person), so the memory stays bounded by the mailbox.
func (r *retries) keepOnly(validity uint32, unseen []imap.UID) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.byMail) == 0 {
		return
	}
	still := make(map[imap.UID]bool, len(unseen))
	for _, u := range unseen {
		still[u] = true
	}
	for k := range r.byMail {
		if k.validity != validity || !still[k.uid] {
			delete(r.byMail, k)
		}
	}
}

// nextDue is the earliest moment a failed mail may be tried again (zero: none waits).
func (r *retries) nextDue() time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	var next time.Time
	for _, f := range r.byMail {
		if next.IsZero() || f.next.Before(next) {
			next = f.next
		}
	}
	return next
}
