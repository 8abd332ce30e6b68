package memreadmodel

import (
	"bytes"
	"context"
	"sort"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections"
)

// TicketPage implements projections.Queries: a scan of every ticket's queue row that
// decodes only the fields the filters and the order need (packed.head), then the page's
// rows in full; the store keeps no second copy of every ticket for the list. The packed
// rows are never changed in place, so they are sorted and decoded outside the lock.
func (s *Store) TicketPage(ctx context.Context, f projections.TicketFilter, after projections.TicketCursor, limit int) ([]domain.TicketState, bool, error) {
	type match struct { // small: every matching ticket has one
		at  int64
		id  uuid.UUID
		row *packed
	}
	var got []match
	s.mu.RLock()
	for _, r := range s.d.rows {
		if r.queue == nil {
			continue
		}
		h := r.queue.head()
		if projections.MatchesTicket(&h, f) && after.After(&h) {
			got = append(got, match{h.CreatedAt.UnixNano(), h.ID, r.queue})
		}
	}
	s.mu.RUnlock()
	// projections.TicketBefore on the keys: newest first, then id descending.
	sort.Slice(got, func(i, j int) bool {
		if got[i].at != got[j].at {
			return got[i].at > got[j].at
		}
		return bytes.Compare(got[i].id[:], got[j].id[:]) > 0
	})
	more := len(got) > limit
	got = got[:min(limit, len(got))]
	page := make([]domain.TicketState, len(got))
	for i, m := range got {
		page[i] = m.row.state()
	}
	return page, more, nil
}
