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
	return len(o.find(to, subjectHas))
}

func (o *outbox) find(to, subjectHas string) []policy.Mail {
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []policy.Mail
	for _, m := range o.mails {
		if m.To == to && strings.Contains(m.Subject, subjectHas) {
			out = append(out, m)
		}
	}
	return out
}

// duplicates counts mails sent more than once, by Message-ID.
func (o *outbox) duplicates() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	seen, n := map[string]bool{}, 0
	for _, m := range o.mails {
		if seen[m.MessageID] {
			n++
		}
		seen[m.MessageID] = true
	}
	return n
}

func notifierOptions(store eventlog.EventStore, m policy.Mailer) policy.NotifierOptions {
	return policy.NotifierOptions{Mailer: m, Store: store, PortalURL: "https://p.example/portal", PublicURL: "https://desk.example",
		MessageIDDomain: "example.com", AccessCode: func(uuid.UUID) string { return "code" }}
}

func notifier(store eventlog.EventStore, box *outbox) *policy.Notifier {
	return policy.NewNotifier(notifierOptions(store, box))
}

// Two processes on one store: each notice is mailed once (no Message-ID twice), and a
// restart mails nothing again but does mail what happened while it was down.
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
	if d := box.duplicates(); d != 0 {
		t.Fatalf("%d mails sent twice after a clean hand-over", d)
	}
}

func TestRestartMailsWhatHappenedWhileDownAndNothingTwice(t *testing.T) {
	store := newStore()
	box := &outbox{}
	a := startNode(t, store, policy.Options{Notifier: notifier(store, box), Policy: domain.DefaultSLAPolicy()})
	first := receive(t, a.cmds, domain.TierStandard, "first")
	eventually(t, 5*time.Second, "first mail", func() bool { return box.count("li@example.com", "received") == 1 })
	eventually(t, 5*time.Second, "first mail recorded sent", func() bool { return notificationEvents(t, store)[policy.TypeNotificationSent] == 1 })
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

// notificationEvents counts the notification stream's events by type.
func notificationEvents(t *testing.T, store eventlog.EventStore) map[string]int {
	t.Helper()
	recs, err := store.ReadStream(context.Background(), policy.NotificationStream)
	if err != nil {
		t.Fatal(err)
	}
	n := map[string]int{}
	for _, r := range recs {
		n[r.Type]++
	}
	return n
}
