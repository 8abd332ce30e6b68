package memreadmodel

import (
	"context"
	"sort"

	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections"
)

// TicketPage implements projections.Queries: a scan of every ticket's queue row,
// decoded (the rows are packed), filtered and sorted outside the lock; a list read is
// rarer than the queue's, and the store keeps no second copy of every ticket for it.
func (s *Store) TicketPage(ctx context.Context, f projections.TicketFilter, after projections.TicketCursor, limit int) ([]domain.TicketState, bool, error) {
	if f.None() {
		return nil, false, nil
	}
	var got []domain.TicketState
	s.mu.RLock()
	for _, r := range s.d.rows {
		if r.queue == nil {
			continue
		}
		t := r.queue.state()
		if projections.MatchesTicket(&t, f) && after.After(&t) {
			got = append(got, t)
		}
	}
	s.mu.RUnlock()
	sort.Slice(got, func(i, j int) bool { return projections.TicketBefore(&got[i], &got[j]) })
	if len(got) <= limit {
		return got, false, nil
	}
	return got[:limit], true, nil
}
