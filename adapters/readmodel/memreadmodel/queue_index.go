package memreadmodel

import (
	"bytes"
	"cmp"
	"time"

	"github.com/google/btree"
	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections"
)

// The open tickets in working order, kept as they change, so a queue page reads its own
// rows and no others: without it every page ranked every open ticket of the team (10,000
// of them: 8 ms of CPU a page; docs/PERFORMANCE.md, "The desk's queue page").
//
// A lane is one ordered set of open tickets: all of them, a team's, an assignee's or a
// status's, in the queue's order (priority, due time, age, id), and all of them and a
// status's by due time alone (the SLA watch). A ticket's due time may move with the clock
// while it waits (projections.QueueOrder), so each lane is two B-trees: the tickets by
// their fixed due time, and the waiting ones by their moving due time's offset. Within
// each tree the order never changes with time; a page merges the two at the query's time
// and takes a ticket where it comes first (its due time is the smaller of the two).
// The projection's commit moves a ticket between lanes (data.index); a page walks the
// smallest lane its filter allows and stops at offset+limit+1 matches.

// laneItem is a ticket in a lane's tree: its order's parts for that tree, and its row.
type laneItem struct {
	rank    int
	at      int64 // the fixed due time, or the moving due time's offset (QueueOrder)
	created int64
	t       *domain.TicketState // the committed row: never changed
}

func compareItems(a, b laneItem) int {
	if c := cmp.Compare(a.rank, b.rank); c != 0 {
		return c
	}
	if c := cmp.Compare(a.at, b.at); c != 0 {
		return c
	}
	if c := cmp.Compare(a.created, b.created); c != 0 {
		return c
	}
	return bytes.Compare(a.t.ID[:], b.t.ID[:])
}

func lessItems(a, b laneItem) bool { return compareItems(a, b) < 0 }

// lane is one ordered set of open tickets: fixed holds each ticket by its fixed due
// time (unless it has only a moving one), moving the waiting ones by their moving due.
type lane struct{ fixed, moving *btree.BTreeG[laneItem] }

func newLane() *lane {
	return &lane{fixed: btree.NewG(32, lessItems), moving: btree.NewG(32, lessItems)}
}

func (l *lane) len() int { return l.fixed.Len() + l.moving.Len() }

// laneKind is what a lane holds.
type laneKind uint8

const (
	laneAll laneKind = iota
	laneTeam
	laneAssignee
	laneStatus
	laneAllByDue
	laneStatusByDue
)

// laneID names a lane: its kind and the team, assignee (its 16 bytes) or status.
type laneID struct {
	kind  laneKind
	value string
}

// queueIndex is every lane, by name; an empty lane is dropped.
type queueIndex map[laneID]*lane

// lanesOf are the lanes an open ticket belongs to.
func lanesOf(t *domain.TicketState) []laneID {
	ids := []laneID{{laneAll, ""}, {laneTeam, t.Team}, {laneStatus, string(t.Status)},
		{laneAllByDue, ""}, {laneStatusByDue, string(t.Status)}}
	if t.Assignee != uuid.Nil {
		ids = append(ids, laneID{laneAssignee, string(t.Assignee[:])})
	}
	return ids
}

// items are t's entries in a lane: by its fixed due time, by its moving one, or both.
func items(t *domain.TicketState, byDue bool) (fixed laneItem, hasFixed bool, moving laneItem, hasMoving bool) {
	o := projections.OrderOf(t)
	if byDue {
		o.Rank = 0
	}
	fixed = laneItem{rank: o.Rank, at: o.Due, created: o.Created, t: t}
	moving = laneItem{rank: o.Rank, at: o.Moving, created: o.Created, t: t}
	hasMoving = o.Moving != projections.NoDue
	return fixed, o.Due != projections.NoDue || !hasMoving, moving, hasMoving
}

func byDue(k laneKind) bool { return k == laneAllByDue || k == laneStatusByDue }

// add puts an open ticket in its lanes.
func (x queueIndex) add(t *domain.TicketState) {
	for _, id := range lanesOf(t) {
		l := x[id]
		if l == nil {
			l = newLane()
			x[id] = l
		}
		f, hasF, m, hasM := items(t, byDue(id.kind))
		if hasF {
			l.fixed.ReplaceOrInsert(f)
		}
		if hasM {
			l.moving.ReplaceOrInsert(m)
		}
	}
}

// remove takes a ticket out of its lanes: t is the row add was given (its order is
// computed again from it, and is the same).
func (x queueIndex) remove(t *domain.TicketState) {
	for _, id := range lanesOf(t) {
		l := x[id]
		if l == nil {
			continue
		}
		f, _, m, _ := items(t, byDue(id.kind))
		l.fixed.Delete(f)
		l.moving.Delete(m)
		if l.len() == 0 {
			delete(x, id)
		}
	}
}

// laneFor is the smallest lane that holds every ticket the filter can match, in the
// filter's order (nil: no ticket matches).
func (x queueIndex) laneFor(f projections.QueueFilter) *lane {
	var ids []laneID
	if f.ByDue {
		ids = []laneID{{laneAllByDue, ""}}
		if f.Status != "" {
			ids = []laneID{{laneStatusByDue, string(f.Status)}}
		}
	} else {
		ids = []laneID{{laneAll, ""}}
		if f.Team != "" || f.Assignee != uuid.Nil || f.Status != "" {
			ids = ids[:0]
		}
		if f.Team != "" {
			ids = append(ids, laneID{laneTeam, f.Team})
		}
		if f.Assignee != uuid.Nil {
			ids = append(ids, laneID{laneAssignee, string(f.Assignee[:])})
		}
		if f.Status != "" {
			ids = append(ids, laneID{laneStatus, string(f.Status)})
		}
	}
	var best *lane
	for _, id := range ids {
		l := x[id]
		if l == nil {
			return nil // a lane the filter needs is empty: nothing matches
		}
		if best == nil || l.len() < best.len() {
			best = l
		}
	}
	return best
}

// first returns the first n open tickets matching f at now in the queue's order
// (projections.SortQueue's, or by due time with f.ByDue), and how many index entries it
// read to find them: at most n per tree when every ticket it passes matches.
func (x queueIndex) first(f projections.QueueFilter, now time.Time, n int) ([]*domain.TicketState, int) {
	l := x.laneFor(f)
	if l == nil || n <= 0 {
		return nil, 0
	}
	fixed, read := firstOf(l.fixed, f, now, n)
	if l.moving.Len() == 0 {
		return fixed, read
	}
	moving, readMoving := firstOf(l.moving, f, now, n)
	return merge(fixed, moving, f.ByDue, now, n), read + readMoving
}

// firstOf walks one tree from the start (from the filter's priority when it has one, the
// priority leading the order) and keeps the first n matches.
func firstOf(tr *btree.BTreeG[laneItem], f projections.QueueFilter, now time.Time, n int) ([]*domain.TicketState, int) {
	var out []*domain.TicketState
	read := 0
	visit := func(it laneItem) bool {
		read++
		if f.Priority != "" && !f.ByDue && it.rank > f.Priority.Rank() {
			return false // past the priority asked for
		}
		if projections.MatchesAt(it.t, f, now) {
			out = append(out, it.t)
		}
		return len(out) < n
	}
	if f.Priority != "" && !f.ByDue {
		tr.AscendGreaterOrEqual(laneItem{rank: f.Priority.Rank(), at: -1 << 63, created: -1 << 63, t: &domain.TicketState{}}, visit)
	} else {
		tr.Ascend(visit)
	}
	return out, read
}

// merge merges the first n of the fixed and the moving tree at now, each ticket where
// it comes first. Each list holds the first n matches of its tree: a ticket among the
// first n of the merge has fewer than n tickets before it in either tree, so it is there.
func merge(fixed, moving []*domain.TicketState, byDue bool, now time.Time, n int) []*domain.TicketState {
	at := now.UnixNano()
	// Each list is in its own tree's order: the fixed due time, or the moving one at now.
	key := func(t *domain.TicketState, moving bool) laneItem {
		o := projections.OrderOf(t)
		if byDue {
			o.Rank = 0
		}
		it := laneItem{rank: o.Rank, at: o.Due, created: o.Created, t: t}
		if moving {
			it.at = o.Moving + at
		}
		return it
	}
	out := make([]*domain.TicketState, 0, min(n, len(fixed)+len(moving)))
	seen := make(map[uuid.UUID]bool, len(moving))
	i, j := 0, 0
	for len(out) < n && (i < len(fixed) || j < len(moving)) {
		var t *domain.TicketState
		if j == len(moving) || i < len(fixed) && compareItems(key(fixed[i], false), key(moving[j], true)) <= 0 {
			t, i = fixed[i], i+1
		} else {
			t, j = moving[j], j+1
		}
		if !seen[t.ID] {
			seen[t.ID] = true
			out = append(out, t)
		}
	}
	return out
}
