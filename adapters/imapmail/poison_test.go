package imapmail_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/adapters/imapmail"
	"github.com/ticketengine/ticketengine/application/inbound"
)

// flakyTaker fails every Take of the poison message id (a mail that fails the same way
// every time), and every Take at all while down (the store is out).
type flakyTaker struct {
	next   imapmail.Taker
	poison string
	mu     sync.Mutex
	down   bool
	tries  map[string]int
}

func (f *flakyTaker) Take(ctx context.Context, m inbound.Message) (inbound.Result, error) {
	f.mu.Lock()
	f.tries[m.ID]++
	down := f.down
	f.mu.Unlock()
	switch {
	case down:
		return inbound.Result{}, errors.New("store: connection refused")
	case m.ID == f.poison:
		return inbound.Result{}, errors.New("decode: something in this mail breaks us")
	}
	return f.next.Take(ctx, m)
}

func (f *flakyTaker) setDown(down bool) {
	f.mu.Lock()
	f.down = down
	f.mu.Unlock()
}

func (f *flakyTaker) triesOf(id string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.tries[id]
}

func plainMail(id, from, subject string) []byte {
	return []byte(fmt.Sprintf("From: %s\nTo: %s\nSubject: %s\nMessage-ID: <%s>\nContent-Type: text/plain; charset=utf-8\n\n%s body\n",
		from, supportUser, subject, id, subject))
}

// poisonWorld is a Dovecot mailbox read through a flakyTaker, with a short retry pause.
func poisonWorld(t *testing.T) (*world, *flakyTaker) {
	w := newWorld(t)
	flaky := &flakyTaker{next: w.spy, poison: "poison@example.cn", tries: map[string]int{}}
	boxes, err := imapmail.ParseMailboxes(w.dovecot.URL(supportUser, "name=support&attempts=3&retry=1ms"))
	if err != nil {
		t.Fatal(err)
	}
	w.reader = imapmail.NewReader(boxes[0], flaky, us, slog.Default())
	return w, flaky
}

// TestPoisonMailIsMovedAsideAndTheMailBehindItTaken: a mail Take fails on every time
// does not stall the mailbox: the mail behind it is taken in the same pass, and after
// its attempts (3 here) it is moved to the refused folder and counted.
func TestPoisonMailIsMovedAsideAndTheMailBehindItTaken(t *testing.T) {
	w, flaky := poisonWorld(t)
	w.dovecot.Append(t, supportUser, "INBOX", plainMail("poison@example.cn", "li@example.cn", "poison"),
		plainMail("good-0@example.cn", "wang@example.cn", "good 0"))
	// Each pass brings one more good mail: the store is up, so the poison's failures count.
	for i := 1; i <= 5; i++ {
		if _, err := w.reader.Pass(context.Background()); err != nil {
			t.Fatalf("pass %d: %v (one mail's failure is not the pass's)", i, err)
		}
		if _, ok := w.spy.byID[fmt.Sprintf("good-%d@example.cn", i-1)]; !ok {
			t.Fatalf("pass %d: the good mail behind the poison was not taken", i)
		}
		w.dovecot.Append(t, supportUser, "INBOX", plainMail(fmt.Sprintf("good-%d@example.cn", i), "wang@example.cn", fmt.Sprintf("good %d", i)))
		time.Sleep(20 * time.Millisecond) // past the poison's retry pause (1ms doubled)
	}
	if _, err := w.reader.Pass(context.Background()); err != nil {
		t.Fatalf("last pass: %v", err)
	}
	if got := w.dovecot.MessageIDs(t, supportUser, "Refused"); len(got) != 1 || got[0] != "poison@example.cn" {
		t.Fatalf("refused folder %v, want the poison mail alone", got)
	}
	if n := flaky.triesOf("poison@example.cn"); n != 3 {
		t.Errorf("the poison mail was tried %d times, want 3 (attempts=3)", n)
	}
	if w.reader.GaveUp() != 1 {
		t.Errorf("GaveUp = %d, want 1", w.reader.GaveUp())
	}
	all, seen := w.dovecot.Count(t, supportUser, "INBOX")
	if all != seen || all < 4 {
		t.Errorf("INBOX: %d mails, %d seen; want every good mail taken and seen", all, seen)
	}
	for i := 0; i < all; i++ {
		if _, ok := w.spy.byID[fmt.Sprintf("good-%d@example.cn", i)]; !ok {
			t.Errorf("good-%d was not taken", i)
		}
	}
}

// TestOutageMovesNoMailAside: while the store is down every mail fails; however many
// passes that lasts, nothing is counted against the mails and none is moved aside. When
// the store is back, every mail is taken.
func TestOutageMovesNoMailAside(t *testing.T) {
	w, flaky := poisonWorld(t)
	for i := 0; i < 5; i++ {
		w.dovecot.Append(t, supportUser, "INBOX", plainMail(fmt.Sprintf("m-%d@example.cn", i), "wang@example.cn", fmt.Sprintf("m %d", i)))
	}
	flaky.setDown(true)
	for i := 0; i < 8; i++ {
		if _, err := w.reader.Pass(context.Background()); err == nil && i == 0 {
			t.Fatal("the first pass in an outage reported no error")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if n := flaky.triesOf("m-0@example.cn"); n < 4 {
		t.Fatalf("the first mail was tried %d times in the outage, want more than attempts=3", n)
	}
	if n := flaky.triesOf("m-4@example.cn"); n != 0 {
		t.Errorf("the last mail was tried %d times: a pass in an outage stops after %d failures in a row", n, 3)
	}
	if got := w.dovecot.MessageIDs(t, supportUser, "Refused"); len(got) != 0 {
		t.Fatalf("an outage moved %v aside", got)
	}
	flaky.setDown(false)
	time.Sleep(20 * time.Millisecond)
	if _, err := w.reader.Pass(context.Background()); err != nil {
		t.Fatalf("pass after the outage: %v", err)
	}
	if all, seen := w.dovecot.Count(t, supportUser, "INBOX"); all != 5 || seen != 5 {
		t.Errorf("INBOX after the outage: %d mails, %d seen; want 5 and 5", all, seen)
	}
	if len(w.spy.byID) != 5 || w.reader.GaveUp() != 0 {
		t.Errorf("%d mails taken, %d given up; want 5 and 0", len(w.spy.byID), w.reader.GaveUp())
	}
}
