package policy

import (
	"context"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/application/lease"
)

// TestOutliveGivesGraceToAStopNotToALostLease: the mails in hand may be finished within
// the grace when the node stops, since it keeps its lease until then; when the lease was
// lost, another node is taking over and will send what is in doubt once more, so the work
// ends at once. A webhook call already made keeps its grace either way.
func TestOutliveGivesGraceToAStopNotToALostLease(t *testing.T) {
	stopping, stop := context.WithCancelCause(context.Background())
	work, done := outlive(stopping, time.Hour, true)
	defer done()
	stop(nil)
	select {
	case <-work.Done():
		t.Fatal("a node that stops cut short what it had in hand: no grace")
	case <-time.After(100 * time.Millisecond):
	}

	lost, lose := context.WithCancelCause(context.Background())
	child, cancel := context.WithCancel(lost) // as the outbox derives its own from the duty's
	defer cancel()
	work, done = outlive(child, time.Hour, true)
	defer done()
	lose(lease.ErrLost)
	select {
	case <-work.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("the lease was lost, yet the work in hand goes on (a grace of an hour)")
	}

	call, hangUp := outlive(child, time.Hour, false)
	defer hangUp()
	select {
	case <-call.Done():
		t.Fatal("a webhook call already made was cut when the lease was lost: its answer is lost")
	case <-time.After(100 * time.Millisecond):
	}
}
