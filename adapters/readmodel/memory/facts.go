package memory

import (
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections"
)

// fact is a KPI row as the store keeps it: the ticket's packed state, shared with the
// queue and portal rows at the same version, and the KPI's own fields, times as Unix
// nanoseconds (0 for none). Every field of projections.KPIFact but State is carried
// here (a test counts them).
type fact struct {
	state                         *packed
	waited                        time.Duration
	lastResolvedAt                int64
	closed                        []period
	ratings, ratingSum, satisfied int32
}

// period is a projections.Period in Unix nanoseconds, 0 for an open end.
type period struct{ from, until int64 }

func (d *data) toFact(f *projections.KPIFact) *fact {
	x := &fact{
		state: d.share(projections.KPI, &f.State), waited: f.Waited, lastResolvedAt: nanos(f.LastResolvedAt),
		ratings: int32(f.Ratings), ratingSum: int32(f.RatingSum), satisfied: int32(f.Satisfied),
	}
	if len(f.Closed) > 0 {
		x.closed = make([]period, len(f.Closed))
		for i, p := range f.Closed {
			x.closed[i] = period{nanos(p.From), nanos(p.Until)}
		}
	}
	return x
}

func (x *fact) kpi() projections.KPIFact {
	f := projections.KPIFact{
		State: x.state.state(), Waited: x.waited, LastResolvedAt: fromNanos(x.lastResolvedAt),
		Ratings: int(x.ratings), RatingSum: int(x.ratingSum), Satisfied: int(x.satisfied),
	}
	if len(x.closed) > 0 {
		f.Closed = make([]projections.Period, len(x.closed))
		for i, p := range x.closed {
			f.Closed[i] = projections.Period{From: fromNanos(p.from), Until: fromNanos(p.until)}
		}
	}
	return f
}

func nanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromNanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

// share returns the row to keep for t: another projection's row of the ticket when it is
// at the same version (the same fold of the same events, so equal), else t packed. So
// the queue, portal and KPI rows hold one state per ticket, not three.
func (d *data) share(name string, t *domain.TicketState) *packed {
	for _, o := range d.states(name, t.ID) {
		if o != nil && o.version == t.Version {
			return o
		}
	}
	return pack(t)
}

// states are the other projections' rows of ticket id (nil where none).
func (d *data) states(name string, id uuid.UUID) [2]*packed {
	var f *packed
	if x := d.facts[id]; x != nil {
		f = x.state
	}
	switch name {
	case projections.Queues:
		return [2]*packed{d.portal[id], f}
	case projections.Portal:
		return [2]*packed{d.queue[id], f}
	}
	return [2]*packed{d.queue[id], d.portal[id]}
}
