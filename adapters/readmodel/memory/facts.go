package memory

import (
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections"
)

// fact is a KPI row as the store keeps it: the ticket's state by pointer, shared with the
// queue and portal rows at the same version, and the KPI's own fields. Every field of
// projections.KPIFact but State is carried here (a test counts them).
type fact struct {
	state                         *domain.TicketState
	waited                        time.Duration
	lastResolvedAt                time.Time
	closed                        []projections.Period
	ratings, ratingSum, satisfied int
}

func (d *data) toFact(f *projections.KPIFact) *fact {
	return &fact{
		state: d.share(projections.KPI, &f.State), waited: f.Waited, lastResolvedAt: f.LastResolvedAt,
		closed: f.Closed, ratings: f.Ratings, ratingSum: f.RatingSum, satisfied: f.Satisfied,
	}
}

func (x *fact) kpi() projections.KPIFact {
	return projections.KPIFact{
		State: *x.state, Waited: x.waited, LastResolvedAt: x.lastResolvedAt,
		Closed: x.closed, Ratings: x.ratings, RatingSum: x.ratingSum, Satisfied: x.satisfied,
	}
}

// share returns the row to keep for t: another projection's state of the ticket when it
// is at the same version (the same fold of the same events, so equal), else a copy of t
// (the batch is the caller's). So the queue, portal and KPI rows hold one state per
// ticket, not three.
func (d *data) share(name string, t *domain.TicketState) *domain.TicketState {
	for _, o := range d.states(name, t.ID) {
		if o != nil && o.Version == t.Version {
			return o
		}
	}
	c := *t
	return &c
}

// states are the other projections' states of ticket id (nil where none).
func (d *data) states(name string, id uuid.UUID) [2]*domain.TicketState {
	var f *domain.TicketState
	if x := d.facts[id]; x != nil {
		f = x.state
	}
	switch name {
	case projections.Queues:
		return [2]*domain.TicketState{d.portal[id], f}
	case projections.Portal:
		return [2]*domain.TicketState{d.queue[id], f}
	}
	return [2]*domain.TicketState{d.queue[id], d.portal[id]}
}
