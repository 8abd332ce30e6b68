package projections_test

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections"
)

// TestFirstQueueRefsIsThePrefixOfTheSort: the first n picked with the bounded heap are
// exactly the first n of the whole sort, for every n, with ties on priority, due time and
// age broken by id.
func TestFirstQueueRefsIsThePrefixOfTheSort(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 13))
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	prios := []domain.Priority{domain.P1, domain.P2, domain.P3, domain.P4}
	states := make([]*domain.TicketState, 300)
	for i := range states {
		s := &domain.TicketState{ID: uuid.New(), Priority: prios[r.IntN(len(prios))], Status: domain.StatusAssigned,
			CreatedAt: now.Add(-time.Duration(r.IntN(5)) * time.Hour)}
		if r.IntN(3) > 0 {
			s.SLA.FirstResponseDue = now.Add(time.Duration(r.IntN(4)) * time.Hour)
		}
		states[i] = s
	}
	all := projections.SortQueueRefs(states, projections.QueueFilter{}, now)
	if len(all) != len(states) {
		t.Fatalf("sorted %d of %d", len(all), len(states))
	}
	for _, n := range []int{0, 1, 2, 10, 99, 299, 300, 301} {
		first, total := projections.FirstQueueRefs(slices.Clone(states), projections.QueueFilter{}, now, n)
		if total != len(states) || len(first) != min(n, len(states)) {
			t.Fatalf("n=%d: %d states of %d", n, len(first), total)
		}
		for i := range first {
			if first[i] != all[i] {
				t.Fatalf("n=%d: position %d differs from the full sort", n, i)
			}
		}
	}
}
