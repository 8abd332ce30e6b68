package memreadmodel

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections"
)

// OpenTickets implements projections.Queries.
func (s *Store) OpenTickets(ctx context.Context, f projections.QueueFilter) ([]domain.TicketState, error) {
	refs := s.openRefs(f)
	out := make([]domain.TicketState, len(refs))
	for i, t := range refs {
		out[i] = *t
	}
	return out, nil
}

// openRefs returns the open rows matching the filter's stored fields. The rows are
// never changed in place, so they can be read after the lock is released.
func (s *Store) openRefs(f projections.QueueFilter) []*domain.TicketState {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []*domain.TicketState
	for _, t := range s.d.open {
		if projections.MatchesStored(t, f) {
			out = append(out, t)
		}
	}
	return out
}

// QueuePage implements projections.Queries: the first offset+limit+1 matches read from
// the open tickets kept in working order (queue_index.go), not a ranking of the whole
// queue; only the page is copied. The rows are never changed in place, so they are
// copied after the lock is released.
func (s *Store) QueuePage(ctx context.Context, f projections.QueueFilter, now time.Time, offset, limit int) ([]domain.TicketState, bool, error) {
	s.mu.RLock()
	first, _ := s.d.queues.first(f, now, offset+limit+1)
	s.mu.RUnlock()
	if offset >= len(first) {
		return nil, false, nil
	}
	end := min(len(first), offset+limit)
	page := make([]domain.TicketState, end-offset)
	for i, t := range first[offset:end] {
		page[i] = *t
	}
	return page, len(first) > offset+limit, nil
}

// KPIFacts implements projections.Queries.
func (s *Store) KPIFacts(ctx context.Context, from, to time.Time) ([]projections.KPIFact, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []projections.KPIFact
	for _, r := range s.d.rows {
		if f := &r.fact; f.state != nil {
			if at := f.state.createdAt(); !at.Before(from) && at.Before(to) {
				out = append(out, f.kpi())
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].State.ID.String() < out[j].State.ID.String() })
	return out, nil
}

// PortalTicket implements projections.Queries.
func (s *Store) PortalTicket(ctx context.Context, id uuid.UUID) (domain.TicketState, []projections.PortalEntry, bool, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	r := s.d.rows[id]
	if r == nil || r.portal == nil {
		return domain.TicketState{}, nil, false, nil
	}
	return r.portal.state(), r.timeline.entries(id), true, nil
}

// Agents implements projections.Queries, ordered by name then id.
func (s *Store) Agents(ctx context.Context) ([]projections.AgentRow, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	agents := s.d.peek(projections.Agents).sorted()
	out := make([]projections.AgentRow, 0, len(agents))
	for _, r := range agents {
		a := r.(*domain.AgentState)
		out = append(out, projections.AgentRow{AgentState: *a, OpenTickets: s.d.openBy[a.ID]})
	}
	sort.Slice(out, func(i, j int) bool {
		if c := strings.Compare(out[i].Name, out[j].Name); c != 0 {
			return c < 0
		}
		return out[i].ID.String() < out[j].ID.String()
	})
	return out, nil
}

// Agent implements projections.Queries.
func (s *Store) Agent(ctx context.Context, id uuid.UUID) (projections.AgentRow, bool, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	row := projections.AgentRow{OpenTickets: s.d.openBy[id]}
	r, ok := s.d.peek(projections.Agents).get(id)
	if ok {
		row.AgentState = *r.(*domain.AgentState)
	}
	return row, ok, nil
}

// RowVersion implements projections.Queries.
func (s *Store) RowVersion(ctx context.Context, name string, id uuid.UUID) (int64, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if isPacked(name) {
		if t := s.d.state(name, id); t != nil {
			return t.version, nil
		}
		return -1, nil
	}
	if !projections.Known(name) {
		return 0, fmt.Errorf("%w: no projection is named %q", domain.ErrNotFound, name)
	}
	return s.d.peek(name).version(id), nil
}

// Rows implements projections.Queries: a packed projection's rows decoded, a generic
// table's as they are (callers never change them).
func (s *Store) Rows(ctx context.Context, name string) ([]projections.Row, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if !projections.Known(name) {
		return nil, fmt.Errorf("%w: no projection is named %q", domain.ErrNotFound, name)
	}
	if isPacked(name) {
		ids := make([]uuid.UUID, 0, len(s.d.rows))
		for id := range s.d.rows {
			ids = append(ids, id)
		}
		slices.SortFunc(ids, func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
		b, err := s.load(name, ids)
		return b.Rows, err
	}
	return s.d.peek(name).sorted(), nil
}
