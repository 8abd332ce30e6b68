package projections

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/domain"
)

// TestOrderOfIsTheQueueKeyAtEveryTime: the parts a store keeps (OrderOf, fixed when the
// ticket last changed) give the same due time as keyOf computes at the query's time, for
// tickets waiting or not, clocks met or running, due times before and after the wait
// began, zero due times, and query times before, during and long after the wait.
func TestOrderOfIsTheQueueKeyAtEveryTime(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	base := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	at := func() time.Time { return base.Add(time.Duration(r.IntN(96*60)-48*60) * time.Minute) }
	statuses := []domain.Status{domain.StatusReceived, domain.StatusAssigned, domain.StatusWaiting, domain.StatusResolved}
	moving := 0
	for i := range 5000 {
		s := &domain.TicketState{ID: uuid.New(), Status: statuses[r.IntN(len(statuses))], CreatedAt: at(),
			Priority: []domain.Priority{domain.P1, domain.P3, ""}[r.IntN(3)]}
		if r.IntN(8) > 0 {
			s.SLA.FirstResponseDue = at()
		}
		if r.IntN(8) > 0 {
			s.SLA.ResolutionDue = at()
		}
		if r.IntN(3) == 0 {
			s.FirstRespondedAt = at()
		}
		if r.IntN(2) == 0 {
			s.WaitingSince = at()
		}
		o := OrderOf(s)
		if o.Moving != NoDue {
			moving++
		}
		for range 6 {
			now := at()
			want := keyOf(s, now, false)
			if o.Rank != want.rank || o.Created != want.created || o.DueAt(now.UnixNano()) != want.due {
				t.Fatalf("ticket %d at %s: order %+v due %d, key %+v", i, now, o, o.DueAt(now.UnixNano()), want)
			}
		}
	}
	if moving < 500 {
		t.Fatalf("only %d of 5000 tickets had a moving due time: the test does not cover waits", moving)
	}
}
