package memreadmodel

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections"
)

var indexEpoch = time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)

// randomOpen is an open (or, one in ten, resolved) ticket of one of two teams and three
// agents, waiting one time in four, with due times around indexEpoch.
func randomOpen(r *rand.Rand, agents []uuid.UUID) *domain.TicketState {
	at := func() time.Time { return indexEpoch.Add(time.Duration(r.IntN(48*60)-24*60) * time.Minute) }
	statuses := []domain.Status{domain.StatusReceived, domain.StatusClassified, domain.StatusAssigned,
		domain.StatusEscalated, domain.StatusWaiting, domain.StatusResolved}
	s := &domain.TicketState{ID: uuid.New(), Status: statuses[r.IntN(len(statuses))], CreatedAt: at(),
		Team: []string{"support", "billing"}[r.IntN(2)], Category: []string{"bug", "invoice"}[r.IntN(2)],
		Priority: []domain.Priority{domain.P1, domain.P2, domain.P3, domain.P4}[r.IntN(4)]}
	s.SLA.FirstResponseDue, s.SLA.ResolutionDue = at(), at()
	if r.IntN(3) == 0 {
		s.FirstRespondedAt = at()
	}
	if s.Status == domain.StatusWaiting {
		s.WaitingSince = at()
	}
	if r.IntN(2) == 0 {
		s.Assignee = agents[r.IntN(len(agents))]
	}
	return s
}

// TestQueueIndexIsTheSortAfterEveryChange: after tickets are added, changed (a new row
// replacing the old) and closed, every filter's first n from the ordered lanes are the
// first n of projections.SortQueue's order of the matching open tickets, at moments
// before, during and after the waits.
func TestQueueIndexIsTheSortAfterEveryChange(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 17))
	agents := []uuid.UUID{uuid.New(), uuid.New(), uuid.New()}
	d := newData()
	rows := map[uuid.UUID]*domain.TicketState{}
	for range 2000 {
		s := randomOpen(r, agents)
		if len(rows) > 0 && r.IntN(3) == 0 { // a change of a ticket already there
			for id := range rows {
				s.ID = id
				break
			}
		}
		rows[s.ID] = s
		d.index(s)
	}
	yes := true
	filters := []projections.QueueFilter{{}, {Team: "support"}, {Assignee: agents[0]}, {Status: domain.StatusWaiting},
		{Team: "billing", Status: domain.StatusAssigned}, {Priority: domain.P2}, {Team: "support", Priority: domain.P4},
		{Category: "bug", Breached: &yes}, {ByDue: true}, {ByDue: true, Status: domain.StatusEscalated},
		{ByDue: true, Team: "support", Breached: &yes}, {Assignee: uuid.New()}}
	for _, now := range []time.Time{indexEpoch.Add(-30 * time.Hour), indexEpoch, indexEpoch.Add(30 * time.Hour)} {
		for _, f := range filters {
			var open []*domain.TicketState
			for _, s := range rows {
				if projections.MatchesStored(s, f) {
					open = append(open, s)
				}
			}
			want, total := projections.FirstQueueRefs(open, f, now, len(open))
			for _, n := range []int{1, 10, 100, total, total + 1} {
				got, _ := d.queues.first(f, now, n)
				if len(got) != min(n, total) {
					t.Fatalf("%+v at %s, n=%d: %d tickets, want %d", f, now, n, len(got), min(n, total))
				}
				for i := range got {
					if got[i] != want[i] {
						t.Fatalf("%+v at %s, n=%d: ticket %d differs from the sort", f, now, n, i)
					}
				}
			}
		}
	}
}

// TestQueuePageReadsOnlyItsRows: with 10,000 open tickets in one team, a page of the
// team's queue and of the SLA watch's order reads at most its own rows (and the one
// that tells whether more follow) from each of the lane's two trees: the work of a page
// does not grow with the queue.
func TestQueuePageReadsOnlyItsRows(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	agents := []uuid.UUID{uuid.New()}
	for _, open := range []int{1000, 10000} {
		d := newData()
		for range open {
			s := randomOpen(r, agents)
			s.Team = "support"
			if s.Status == domain.StatusResolved {
				s.Status = domain.StatusAssigned
			}
			d.index(s)
		}
		const limit = 100
		for _, f := range []projections.QueueFilter{{Team: "support"}, {ByDue: true}, {Assignee: agents[0]}} {
			got, read := d.queues.first(f, indexEpoch, limit+1)
			if len(got) != limit+1 {
				t.Fatalf("%d open, %+v: %d tickets", open, f, len(got))
			}
			if read > 2*(limit+1) {
				t.Fatalf("%d open, %+v: a page of %d read %d index entries", open, f, limit, read)
			}
			t.Logf("%d open tickets, %+v: %d entries read for a page of %d", open, f, read, limit)
		}
	}
}

// BenchmarkQueueIndexFirst is a team's first page of 100 (and the one after) from the
// ordered lanes with 10,000 open tickets in the team, a third of them waiting.
func BenchmarkQueueIndexFirst(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	d := newData()
	for range 10000 {
		s := randomOpen(r, []uuid.UUID{uuid.New()})
		s.Team = "support"
		if s.Status == domain.StatusResolved {
			s.Status = domain.StatusAssigned
		}
		d.index(s)
	}
	f := projections.QueueFilter{Team: "support"}
	b.ReportAllocs()
	for b.Loop() {
		if got, _ := d.queues.first(f, indexEpoch, 101); len(got) != 101 {
			b.Fatal(len(got))
		}
	}
}
