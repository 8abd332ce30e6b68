package projections

import (
	"math"
	"time"

	"github.com/ticketengine/ticketengine/domain"
)

// QueueOrder is a ticket's place in the queues split into parts that do not change with
// the time of the query, so a store can keep its open tickets already in working order
// and a page reads only its first rows (the memory store's ordered index).
//
// The queue orders by priority, then the nearest running SLA due time at now (keyOf).
// For a ticket that is not waiting that due time is fixed. For a waiting ticket the due
// times not yet passed when the wait began move with the clock (domain: shiftedDue):
// such a due time is (due - waiting_since) + now, so those tickets keep their order among
// themselves as time goes on, but not against the fixed ones. Hence two parts: Due, the
// nearest fixed due time, and Moving, the nearest moving one as an offset from now; the
// due time at now is the smaller of Due and Moving+now (DueAt). A store keeps one
// ordered set by Due and one by Moving (only waiting tickets have a Moving) and merges
// them at the time of the query.
type QueueOrder struct {
	Rank    int   // domain.Priority.Rank
	Due     int64 // Unix nanoseconds of the nearest fixed running due time; NoDue when none
	Moving  int64 // nearest moving due time minus now, in nanoseconds; NoDue when none
	Created int64 // Unix nanoseconds
}

// NoDue is a QueueOrder's Due or Moving when there is none: after every due time.
const NoDue = math.MaxInt64

// OrderOf is s's QueueOrder. Its due time at now (DueAt) is keyOf's for every now: the
// nearest running clock's (effective) due time, none when no clock runs or when the
// nearest has no due time at all (a zero due, as domain.TicketState.NextDue reports it).
func OrderOf(s *domain.TicketState) QueueOrder {
	o := QueueOrder{Rank: s.Priority.Rank(), Due: NoDue, Moving: NoDue, Created: s.CreatedAt.UnixNano()}
	open, waiting := s.Status.Open(), !s.WaitingSince.IsZero()
	for _, c := range []struct{ due, metAt time.Time }{
		{s.SLA.FirstResponseDue, s.FirstRespondedAt}, {s.SLA.ResolutionDue, s.ResolvedAt},
	} {
		if !open || !c.metAt.IsZero() {
			continue // not running
		}
		if c.due.IsZero() { // the zero time is before every other: NextDue reports none
			o.Due, o.Moving = NoDue, NoDue
			return o
		}
		if waiting && !c.due.Before(s.WaitingSince) {
			o.Moving = min(o.Moving, c.due.UnixNano()-s.WaitingSince.UnixNano())
		} else {
			o.Due = min(o.Due, c.due.UnixNano())
		}
	}
	return o
}

// DueAt is the due time that orders the ticket at now (Unix nanoseconds; NoDue when none).
func (o QueueOrder) DueAt(now int64) int64 {
	if o.Moving == NoDue {
		return o.Due
	}
	return min(o.Due, o.Moving+now)
}

// MatchesAt reports whether an open ticket matches the whole filter at now: the stored
// fields and the breach.
func MatchesAt(s *domain.TicketState, f QueueFilter, now time.Time) bool {
	return MatchesStored(s, f) && (f.Breached == nil || breached(s, now) == *f.Breached)
}
