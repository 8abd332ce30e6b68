package imapmail_test

import (
	"context"
	"fmt"
	"log/slog"
	"testing"

	"github.com/ticketengine/ticketengine/adapters/imapmail"
	"github.com/ticketengine/ticketengine/adapters/postgrestest"
	"github.com/ticketengine/ticketengine/adapters/ratelimit/pglimits"
)

// TestSenderLimitHoldsAcrossAHandOver: the per-sender limit is counted in the shared
// counters (PostgreSQL), so when the mailbox passes to another node, the sender's budget
// is what the first node left of it, not a fresh one.
func TestSenderLimitHoldsAcrossAHandOver(t *testing.T) {
	dsn := postgrestest.FreshSchema(t, "t_maillimit_")
	w := newWorld(t)
	boxes, err := imapmail.ParseMailboxes(w.dovecot.URL(supportUser, "name=support&rate=3"))
	if err != nil {
		t.Fatal(err)
	}
	node := func() *imapmail.Reader {
		c, err := pglimits.Open(context.Background(), dsn) // each node its own connection
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = c.Close() })
		r := imapmail.NewReader(boxes[0], w.spy, us, slog.Default())
		r.LimitSenders(imapmail.NewSenderLimit(boxes[0], c))
		return r
	}
	mail := func(i int, from string) []byte {
		return plainMail(fmt.Sprintf("flood-%d@example.cn", i), from, fmt.Sprintf("flood %d", i))
	}
	first := node()
	w.dovecot.Append(t, supportUser, "INBOX", mail(1, "flood@example.cn"), mail(2, "FLOOD@example.cn"))
	if _, err := first.Pass(context.Background()); err != nil {
		t.Fatal(err)
	}
	// The lease passes: the second node reads on.
	second := node()
	w.dovecot.Append(t, supportUser, "INBOX", mail(3, "flood@example.cn"), mail(4, "flood@example.cn"), mail(5, "calm@example.cn"))
	if _, err := second.Pass(context.Background()); err != nil {
		t.Fatal(err)
	}
	for i, want := range map[int]bool{1: true, 2: true, 3: true, 4: false, 5: true} {
		if _, taken := w.spy.byID[fmt.Sprintf("flood-%d@example.cn", i)]; taken != want {
			t.Errorf("mail %d taken=%v, want %v (3 an hour from one sender, counted across both nodes)", i, taken, want)
		}
	}
	if got := w.dovecot.MessageIDs(t, supportUser, "Refused"); len(got) != 1 || got[0] != "flood-4@example.cn" {
		t.Errorf("refused folder %v, want the fourth mail of the sender alone", got)
	}
}
