package policy_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/application/policy"
	"github.com/ticketengine/ticketengine/domain"
)

// standbyNode starts a node whose notifier sends only while it leads.
func standbyNode(t *testing.T, store eventlog.EventStore, m policy.Mailer) (*node, *policy.Notifier) {
	o := notifierOptions(store, m)
	o.Standby, o.Grace = true, time.Millisecond
	n := policy.NewNotifier(o)
	return startNode(t, store, policy.Options{Notifier: n, Policy: domain.DefaultSLAPolicy()}), n
}

// lead runs n.Lead under epoch until the test ends or the returned stop is called.
func lead(t *testing.T, n *policy.Notifier, epoch uint64) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = n.Lead(ctx, epoch); close(done) }()
	stop = func() { cancel(); <-done }
	t.Cleanup(stop)
	return stop
}

func receiptID(id uuid.UUID) string { return "<" + id.String() + "@example.com>" }

func (o *outbox) byID(id string) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	n := 0
	for _, m := range o.mails {
		if m.MessageID == id {
			n++
		}
	}
	return n
}

// A hand-over where the former leaseholder wakes late: it never learnt that its lease
// ran out (its Lead still runs), and a new leaseholder took the outbox over under a
// greater epoch. The former one's claim is refused (the new one fenced the claims), so
// each mail goes out once, from the new leaseholder.
func TestAFormerLeaseholderWakingLateSendsNothing(t *testing.T) {
	store := newStore()
	boxA, boxB := &outbox{}, &outbox{}
	a, na := standbyNode(t, store, boxA)
	_, nb := standbyNode(t, store, boxB)

	first := receive(t, a.cmds, domain.TierStandard, "before any lease")
	lead(t, na, 1)
	eventually(t, 5*time.Second, "a sends under epoch 1", func() bool { return boxA.byID(receiptID(first)) == 1 })

	lead(t, nb, 2) // b took the lease over; a was not told
	eventually(t, 5*time.Second, "b fenced the claims", func() bool { return notificationEvents(t, store)[policy.TypeNotificationLeased] == 2 })
	second := receive(t, a.cmds, domain.TierStandard, "after the hand-over")
	eventually(t, 5*time.Second, "b sends", func() bool { return boxB.byID(receiptID(second)) == 1 })
	third := receive(t, a.cmds, domain.TierStandard, "later still")
	eventually(t, 5*time.Second, "b sends again", func() bool { return boxB.byID(receiptID(third)) == 1 })
	if n := boxA.byID(receiptID(second)) + boxA.byID(receiptID(third)); n != 0 {
		t.Fatalf("the former leaseholder sent %d mails after the hand-over", n)
	}
	if boxB.byID(receiptID(first)) != 0 || boxA.duplicates()+boxB.duplicates() != 0 {
		t.Fatalf("a mail sent twice: a %v, b %v", boxA.mails, boxB.mails)
	}
}

// A leaseholder killed between handing a mail to the server and recording it: the next
// leaseholder sends it once more at once (the former's lease ran out, so it is gone; no
// waiting for ResendAfter), under the same Message-ID, and nothing else twice. The
// standby node held the notice for it.
func TestANewLeaseholderSendsTheInFlightMailOnceMore(t *testing.T) {
	store := newStore()
	boxA, boxB := &outbox{}, &outbox{}
	a, na := standbyNode(t, store, killed{boxA})
	_, nb := standbyNode(t, store, boxB)
	stopA := lead(t, na, 1)
	id := receive(t, a.cmds, domain.TierStandard, "in flight")
	eventually(t, 5*time.Second, "a hands the mail over", func() bool { return boxA.byID(receiptID(id)) == 1 })
	a.halt()
	stopA() // a is killed: its claim stays open, never recorded sent
	if got := notificationEvents(t, store); got[policy.TypeNotificationClaimed] != 1 || got[policy.TypeNotificationSent] != 0 {
		t.Fatalf("after the kill: %v", got)
	}
	lead(t, nb, 2)
	eventually(t, 5*time.Second, "b sends the in-flight mail once more", func() bool { return boxB.byID(receiptID(id)) == 1 })
	eventually(t, 5*time.Second, "recorded sent", func() bool { return notificationEvents(t, store)[policy.TypeNotificationSent] == 1 })
	if nb.Resent() != 1 {
		t.Fatalf("resent %d, want 1", nb.Resent())
	}
}

// gated is a store whose ReadAll (the engine's catch-up) waits until open is closed: a
// node that has just started and is still folding the log.
type gated struct {
	eventlog.EventStore
	open chan struct{}
}

func (g gated) ReadAll(ctx context.Context, after uint64, limit int) ([]eventlog.Record, error) {
	select {
	case <-g.open:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return g.EventStore.ReadAll(ctx, after, limit)
}

// The leaseholder is killed with a mail in flight, and the node taking the lease over has
// just started: its engine makes the notice of the in-doubt claim only after the
// take-over. That notice must still be sent once more at once; before, it was claimed as
// new, found claimed already, and skipped: the mail was lost.
func TestANewLeaseholderStillCatchingUpSendsTheInFlightMailOnceMore(t *testing.T) {
	store := newStore()
	boxA, boxB := &outbox{}, &outbox{}
	a, na := standbyNode(t, store, killed{boxA})
	stopA := lead(t, na, 1)
	id := receive(t, a.cmds, domain.TierStandard, "in flight")
	eventually(t, 5*time.Second, "a hands the mail over", func() bool { return boxA.byID(receiptID(id)) == 1 })
	a.halt()
	stopA() // killed: the claim stays open
	g := gated{EventStore: store, open: make(chan struct{})}
	_, nb := standbyNode(t, g, boxB)
	lead(t, nb, 2)
	eventually(t, 5*time.Second, "b fenced the claims", func() bool { return notificationEvents(t, store)[policy.TypeNotificationLeased] == 2 })
	close(g.open) // b's engine catches up, and makes the notice now
	eventually(t, 5*time.Second, "b sends the in-flight mail once more", func() bool { return boxB.byID(receiptID(id)) == 1 })
	eventually(t, 5*time.Second, "recorded sent", func() bool { return notificationEvents(t, store)[policy.TypeNotificationSent] == 1 })
	if nb.Resent() != 1 || boxB.duplicates() != 0 {
		t.Fatalf("resent %d, want 1; b's mails %v", nb.Resent(), boxB.mails)
	}
}
