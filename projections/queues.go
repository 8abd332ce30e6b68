package projections

import (
	"encoding/base64"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/domain"
)

// Page limits of list endpoints (API.md).
const (
	DefaultLimit = 50
	MaxLimit     = 500
)

// MatchesStored reports whether an open ticket matches the filter's stored fields: what
// a store filters on (the memory store with this function, PostgreSQL in SQL).
func MatchesStored(s domain.TicketState, f QueueFilter) bool {
	return s.Status.Open() &&
		(f.Status == "" || s.Status == f.Status) &&
		(f.Team == "" || s.Team == f.Team) &&
		(f.Assignee == uuid.Nil || s.Assignee == f.Assignee) &&
		(f.Priority == "" || s.Priority == f.Priority) &&
		(f.Category == "" || s.Category == f.Category)
}

// Queue orders open tickets as agents work them: by priority, then the nearest running
// SLA due time (tickets with no running clock last), then age and id, so the order is
// total. It applies the breached filter at `now` and returns one page of views: at most
// limit, from the opaque cursor on, with the cursor of the next page ("" on the last).
func Queue(states []domain.TicketState, f QueueFilter, now time.Time, limit int, cursor string) ([]application.TicketView, string, error) {
	offset, err := decodeCursor(cursor)
	if err != nil {
		return nil, "", err
	}
	type item struct {
		s   domain.TicketState
		due time.Time
	}
	items := make([]item, 0, len(states))
	for _, s := range states {
		if f.Breached != nil && breached(s, now) != *f.Breached {
			continue
		}
		items = append(items, item{s, s.NextDue(now)})
	}
	sort.Slice(items, func(i, j int) bool {
		a, b := items[i], items[j]
		if ra, rb := a.s.Priority.Rank(), b.s.Priority.Rank(); ra != rb {
			return ra < rb
		}
		if !a.due.Equal(b.due) {
			return !a.due.IsZero() && (b.due.IsZero() || a.due.Before(b.due))
		}
		if !a.s.CreatedAt.Equal(b.s.CreatedAt) {
			return a.s.CreatedAt.Before(b.s.CreatedAt)
		}
		return a.s.ID.String() < b.s.ID.String()
	})
	limit = ClampLimit(limit)
	out := []application.TicketView{}
	for i := offset; i < len(items) && len(out) < limit; i++ {
		out = append(out, application.NewTicketView(items[i].s, now))
	}
	nextCursor := ""
	if offset+len(out) < len(items) {
		nextCursor = base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(offset + len(out))))
	}
	return out, nextCursor, nil
}

// breached: a clock of the ticket is breached at now.
func breached(s domain.TicketState, now time.Time) bool {
	fr, res := s.Clocks(now)
	return fr.Breached || res.Breached
}

// ClampLimit applies the default and the maximum page size.
func ClampLimit(limit int) int {
	if limit <= 0 {
		return DefaultLimit
	}
	return min(limit, MaxLimit)
}

func decodeCursor(c string) (int, error) {
	if c == "" {
		return 0, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	n, err2 := strconv.Atoi(string(b))
	if err != nil || err2 != nil || n < 0 {
		return 0, fmt.Errorf("%w: cursor is not one this server gave", domain.ErrInvalid)
	}
	return n, nil
}
