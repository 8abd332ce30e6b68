package policy_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/adapters/smtp"
	"github.com/ticketengine/ticketengine/adapters/smtp/smtptest"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/application/policy"
	"github.com/ticketengine/ticketengine/domain"
)

// killed is a mailer whose process dies right after handing the mail to the server:
// the mail is delivered, but Send never returns until the process stops, so the send
// is never recorded.
type killed struct{ policy.Mailer }

func (k killed) Send(ctx context.Context, m policy.Mail) error {
	if err := k.Mailer.Send(ctx, m); err != nil {
		return err
	}
	<-ctx.Done()
	return ctx.Err()
}

// mailNode starts a node whose notifier sends through m, re-sending in-doubt mails at once.
func mailNode(t *testing.T, store eventlog.EventStore, m policy.Mailer) *node {
	o := notifierOptions(store, m)
	o.ResendAfter, o.Grace = time.Millisecond, time.Millisecond // (killed stops at once)
	return startNode(t, store, policy.Options{Notifier: policy.NewNotifier(o), Policy: domain.DefaultSLAPolicy()})
}

func realMailer(t *testing.T, srv *smtptest.Server) policy.Mailer {
	m, err := smtp.New(smtp.Config{URL: srv.URL(), From: "help@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// byMessageID counts the server's messages with each Message-ID.
func byMessageID(srv *smtptest.Server) map[string]int {
	n := map[string]int{}
	for _, m := range srv.Messages() {
		n[m.Header.Get("Message-ID")]++
	}
	return n
}

// A crash between claiming and recording: the restarted notifier sends the mail again,
// with the same Message-ID, once; a further restart sends nothing more.
func TestACrashBeforeTheSendIsRecordedSendsTheMailOnceMore(t *testing.T) {
	srv := smtptest.Start(t)
	store := newStore()
	a := mailNode(t, store, killed{realMailer(t, srv)})
	receive(t, a.cmds, domain.TierStandard, "crash")
	eventually(t, 5*time.Second, "the mail reaches the server", func() bool { return len(srv.Messages()) == 1 })
	a.halt() // the process dies before recording the send
	if got := notificationEvents(t, store); got[policy.TypeNotificationClaimed] != 1 || got[policy.TypeNotificationSent] != 0 {
		t.Fatalf("after the crash: %v", got)
	}
	id := srv.Messages()[0].Header.Get("Message-ID")

	b := mailNode(t, store, realMailer(t, srv))
	eventually(t, 5*time.Second, "the mail sent again", func() bool { return byMessageID(srv)[id] == 2 })
	eventually(t, 5*time.Second, "the re-send recorded", func() bool { return notificationEvents(t, store)[policy.TypeNotificationSent] == 1 })
	if len(srv.Messages()) != 2 {
		t.Fatalf("%d messages, want the one mail twice under one Message-ID", len(srv.Messages()))
	}
	b.halt()

	c := mailNode(t, store, realMailer(t, srv))
	syncPoint(t, c, srv, store)
	if n := byMessageID(srv)[id]; n != 2 {
		t.Fatalf("the mail was sent %d times, want 2 (once, and once more after the crash)", n)
	}
}

// A crash during the re-send too: the mail is not sent a third time.
func TestACrashDuringTheReSendDoesNotSendAThirdTime(t *testing.T) {
	srv := smtptest.Start(t)
	store := newStore()
	a := mailNode(t, store, killed{realMailer(t, srv)})
	receive(t, a.cmds, domain.TierStandard, "crash twice")
	eventually(t, 5*time.Second, "the first send", func() bool { return len(srv.Messages()) == 1 })
	a.halt()
	b := mailNode(t, store, killed{realMailer(t, srv)})
	eventually(t, 5*time.Second, "the re-send", func() bool { return len(srv.Messages()) == 2 })
	b.halt()
	id := srv.Messages()[0].Header.Get("Message-ID")

	c := mailNode(t, store, realMailer(t, srv))
	syncPoint(t, c, srv, store)
	if n := byMessageID(srv)[id]; n != 2 {
		t.Fatalf("sent %d times, want 2", n)
	}
	if got := notificationEvents(t, store)[policy.TypeNotificationClaimed]; got != 3 {
		t.Fatalf("%d claims, want the first, the re-send's and the sync point's", got)
	}
}

// A claim younger than ResendAfter may be a live process's send in flight: a restarting
// notifier leaves it alone.
func TestAYoungClaimIsNotSentAgain(t *testing.T) {
	srv := smtptest.Start(t)
	store := newStore()
	a := mailNode(t, store, killed{realMailer(t, srv)})
	receive(t, a.cmds, domain.TierStandard, "in flight")
	eventually(t, 5*time.Second, "the send", func() bool { return len(srv.Messages()) == 1 })
	a.halt()
	o := notifierOptions(store, realMailer(t, srv))
	o.ResendAfter, o.Grace = time.Hour, time.Millisecond
	b := startNode(t, store, policy.Options{Notifier: policy.NewNotifier(o), Policy: domain.DefaultSLAPolicy()})
	syncPoint(t, b, srv, store)
	if n := len(srv.Messages()); n != 2 {
		t.Fatalf("%d messages, want the first and the sync point's only", n)
	}
}

// syncPoint receives a new ticket and waits for its mail: the notifier has by then
// handled every notice queued before it, the in-doubt ones included.
func syncPoint(t *testing.T, n *node, srv *smtptest.Server, store eventlog.EventStore) {
	t.Helper()
	before := len(srv.Messages())
	id := receive(t, n.cmds, domain.TierStandard, "sync point")
	number := ticketState(t, store, id).Number
	eventually(t, 5*time.Second, "the sync point's mail", func() bool {
		for _, m := range srv.Messages()[before:] {
			if m.Header.Get("Message-ID") == "<"+id.String()+"@example.com>" && strings.Contains(m.Subject, number) {
				return true
			}
		}
		return false
	})
}

// slow is a mailer that takes a while, and says when a send has begun.
type slow struct {
	policy.Mailer
	begun chan struct{}
}

func (s slow) Send(ctx context.Context, m policy.Mail) error {
	select {
	case s.begun <- struct{}{}:
	default:
	}
	select {
	case <-time.After(300 * time.Millisecond):
	case <-ctx.Done():
		return ctx.Err()
	}
	return s.Mailer.Send(ctx, m)
}

// A clean stop while a mail is being sent finishes it and records it: a restart sends
// nothing again (no duplicate after a clean hand-over).
func TestACleanStopFinishesTheMailInHand(t *testing.T) {
	store := newStore()
	box := &outbox{}
	m := slow{Mailer: box, begun: make(chan struct{}, 1)}
	a := startNode(t, store, policy.Options{Notifier: policy.NewNotifier(notifierOptions(store, m)), Policy: domain.DefaultSLAPolicy()})
	receive(t, a.cmds, domain.TierStandard, "stop while sending")
	<-m.begun
	a.halt()
	if got := notificationEvents(t, store); got[policy.TypeNotificationSent] != 1 || len(box.find("li@example.com", "")) != 1 {
		t.Fatalf("after a clean stop: %v, %d mails", got, len(box.find("li@example.com", "")))
	}
	o := notifierOptions(store, box)
	o.ResendAfter = time.Millisecond
	b := startNode(t, store, policy.Options{Notifier: policy.NewNotifier(o), Policy: domain.DefaultSLAPolicy()})
	id := receive(t, b.cmds, domain.TierStandard, "after")
	eventually(t, 5*time.Second, "the next mail", func() bool { return box.count("li@example.com", ticketState(t, store, id).Number) == 1 })
	if d := box.duplicates(); d != 0 {
		t.Fatalf("%d mails sent again after a clean stop", d)
	}
}
