package memreadmodel

import (
	"time"

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
	npsResponses, promoters       int32
	detractors                    int32
	// frWork and resWork are KPIFact's FirstResponseWork and ResolutionWork, noWork for nil.
	frWork, resWork time.Duration
}

// noWork stands for no working time carried (24×7); a carried one is never negative.
const noWork time.Duration = -1

func toWork(d *time.Duration) time.Duration {
	if d == nil {
		return noWork
	}
	return *d
}

func fromWork(d time.Duration) *time.Duration {
	if d == noWork {
		return nil
	}
	return &d
}

// period is a projections.Period in Unix nanoseconds, 0 for an open end.
type period struct{ from, until int64 }

func toFact(f *projections.KPIFact, state *packed) fact {
	x := fact{
		state: state, waited: f.Waited, lastResolvedAt: nanos(f.LastResolvedAt),
		ratings: int32(f.Ratings), ratingSum: int32(f.RatingSum), satisfied: int32(f.Satisfied),
		npsResponses: int32(f.NPSResponses), promoters: int32(f.NPSPromoters), detractors: int32(f.NPSDetractors),
		frWork: toWork(f.FirstResponseWork), resWork: toWork(f.ResolutionWork),
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
		NPSResponses: int(x.npsResponses), NPSPromoters: int(x.promoters), NPSDetractors: int(x.detractors),
		FirstResponseWork: fromWork(x.frWork), ResolutionWork: fromWork(x.resWork),
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

// share returns the state to keep for t: one the ticket's row holds for another
// projection at the same version (the same fold of the same events, so equal), else t
// packed. So the queue, portal and KPI parts hold one state per ticket, not three.
func (d *data) share(r *row, t *domain.TicketState) *packed {
	for _, o := range [...]*packed{r.queue, r.portal, r.fact.state} {
		if o != nil && o.version == t.Version {
			return o
		}
	}
	return pack(t)
}
