package policy_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/application/policy"
	"github.com/ticketengine/ticketengine/domain"
)

// outbox is an in-memory policy.Mailer that records what it is given.
type outbox struct {
	mu    sync.Mutex
	mails []policy.Mail
}

func (o *outbox) Send(_ context.Context, m policy.Mail) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.mails = append(o.mails, m)
	return nil
}

func (o *outbox) count(to, subjectHas string) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	n := 0
	for _, m := range o.mails {
		if m.To == to && strings.Contains(m.Subject, subjectHas) {
			n++
		}
	}
	return n
}

func notifier(store eventlog.EventStore, box *outbox) *policy.Notifier {
	return policy.NewNotifier(policy.NotifierOptions{Mailer: box, Store: store, PortalURL: "https://p.example/portal",
		AccessCode: func(uuid.UUID) string { return "code" }})
}

// Two processes on one store: each notice is mailed once, and a restart mails nothing again
// but does mail what happened while it was down.
func TestNotificationsOncePerEventAcrossProcessesAndRestarts(t *testing.T) {
	store := newStore()
	box := &outbox{}
	a := startNode(t, store, policy.Options{Notifier: notifier(store, box), Policy: domain.DefaultSLAPolicy()})
	startNode(t, store, policy.Options{Notifier: notifier(store, box), Policy: domain.DefaultSLAPolicy()})
	var numbers []string
	for range 10 {
		id := receive(t, a.cmds, domain.TierStandard, "hello")
		numbers = append(numbers, ticketState(t, store, id).Number)
	}
	eventually(t, 5*time.Second, "ten received mails", func() bool { return box.count("li@example.com", "received") >= 10 })
	settle()
	for _, n := range numbers {
		if got := box.count("li@example.com", n); got != 1 {
			t.Fatalf("%d mails for %s, want 1", got, n)
		}
	}
	a.halt()
	id := receive(t, a.cmds, domain.TierStandard, "while down") // a is down, b still runs
	eventually(t, 5*time.Second, "mail while a is down", func() bool { return box.count("li@example.com", ticketState(t, store, id).Number) == 1 })
}

func TestRestartMailsWhatHappenedWhileDownAndNothingTwice(t *testing.T) {
	store := newStore()
	box := &outbox{}
	a := startNode(t, store, policy.Options{Notifier: notifier(store, box), Policy: domain.DefaultSLAPolicy()})
	first := receive(t, a.cmds, domain.TierStandard, "first")
	eventually(t, 5*time.Second, "first mail", func() bool { return box.count("li@example.com", "received") == 1 })
	a.halt()
	second := receive(t, a.cmds, domain.TierStandard, "second") // nobody runs
	startNode(t, store, policy.Options{Notifier: notifier(store, box), Policy: domain.DefaultSLAPolicy()})
	n2 := ticketState(t, store, second).Number
	eventually(t, 5*time.Second, "mail of the ticket received while down", func() bool { return box.count("li@example.com", n2) == 1 })
	settle()
	if got := box.count("li@example.com", ticketState(t, store, first).Number); got != 1 {
		t.Fatalf("first ticket mailed %d times", got)
	}
}
