package projections

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/query"
	"github.com/ticketengine/ticketengine/domain"
)

// GET /tickets lists every ticket, open or not, from the queues projection: its rows are
// every ticket's snapshot (rm_queue_tickets keeps closed and resolved tickets too, with
// is_open false; only GET /queues limits itself to the open ones), so the list needs no
// second copy of every ticket: migration 00007 adds the one column it filters on that
// the table lacked (customer_id, since 00008 the ticket's customer record) and the
// indexes of its order.

// TicketFilter selects tickets for GET /tickets; an empty field does not filter.
// Customer is a customer record's id: the tickets that belong to it (RecordOf), as
// GET /customers/{id}/tickets lists them (the HTTP layer resolves an external id first).
type TicketFilter struct {
	Status   domain.Status
	Customer uuid.UUID
	Assignee uuid.UUID
	Team     string
	Category string
	Priority domain.Priority
	Channel  domain.Channel
	// Tag is a normalised tag the ticket carries (domain.NormalizeTag).
	Tag string
	// From and To bound created_at: From ≤ created_at < To; zero is unbounded.
	From, To time.Time
}

// TicketCursor is where a page of GET /tickets starts: after the ticket created at At
// with id ID, in the list's order (newest first, then id descending). The zero cursor
// starts at the top. It is a key, not an offset, so tickets received while a client
// pages do not shift its pages.
type TicketCursor struct {
	At time.Time
	ID uuid.UUID
}

// IsZero reports whether the cursor starts at the top.
func (c TicketCursor) IsZero() bool { return c.ID == uuid.Nil }

// MatchesTicket reports whether a ticket matches the filter: what the memory store
// filters with (PostgreSQL does the same in SQL).
func MatchesTicket(s *domain.TicketState, f TicketFilter) bool {
	return (f.Status == "" || s.Status == f.Status) &&
		(f.Customer == uuid.Nil || RecordOf(s.Customer, s.Unverified) == f.Customer) &&
		(f.Assignee == uuid.Nil || s.Assignee == f.Assignee) &&
		(f.Team == "" || s.Team == f.Team) &&
		(f.Category == "" || s.Category == f.Category) &&
		(f.Priority == "" || s.Priority == f.Priority) &&
		(f.Channel == "" || s.Channel == f.Channel) &&
		(f.Tag == "" || s.Tags.Has(f.Tag)) &&
		(f.From.IsZero() || !s.CreatedAt.Before(f.From)) &&
		(f.To.IsZero() || s.CreatedAt.Before(f.To))
}

// TicketBefore is the list's order: newest first, then id descending (a total order).
func TicketBefore(a, b *domain.TicketState) bool {
	if !a.CreatedAt.Equal(b.CreatedAt) {
		return a.CreatedAt.After(b.CreatedAt)
	}
	return bytes.Compare(a.ID[:], b.ID[:]) > 0
}

// After reports whether s comes after the cursor in the list's order.
func (c TicketCursor) After(s *domain.TicketState) bool {
	return c.IsZero() || TicketBefore(&domain.TicketState{CreatedAt: c.At, ID: c.ID}, s)
}

// Tickets is GET /tickets: one page of tickets as GET /tickets/{id} shows them, newest
// first, and the cursor of the next ("" on the last page).
func (s *Service) Tickets(ctx context.Context, f TicketFilter, limit int, cursor string) ([]query.TicketView, string, error) {
	after, err := decodeTicketCursor(cursor)
	if err != nil {
		return nil, "", err
	}
	if err := s.settle(ctx, Queues); err != nil {
		return nil, "", err
	}
	limit = ClampLimit(limit)
	states, more, err := s.Store.TicketPage(ctx, f, after, limit)
	if err != nil {
		return nil, "", err
	}
	now := s.Clock.Now()
	out := make([]query.TicketView, len(states))
	for i, t := range states {
		out[i] = query.NewTicketView(t, now)
	}
	next := ""
	if more && len(states) > 0 {
		last := states[len(states)-1]
		next = encodeTicketCursor(TicketCursor{At: last.CreatedAt, ID: last.ID})
	}
	return out, next, nil
}

func encodeTicketCursor(c TicketCursor) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(c.At.UnixNano(), 10) + "," + c.ID.String()))
}

func decodeTicketCursor(s string) (TicketCursor, error) {
	if s == "" {
		return TicketCursor{}, nil
	}
	bad := fmt.Errorf("%w: cursor is not one this server gave", domain.ErrInvalid)
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return TicketCursor{}, bad
	}
	at, id, _ := strings.Cut(string(b), ",")
	ns, err := strconv.ParseInt(at, 10, 64)
	if err != nil {
		return TicketCursor{}, bad
	}
	u, err := uuid.Parse(id)
	if err != nil || u == uuid.Nil {
		return TicketCursor{}, bad
	}
	return TicketCursor{At: time.Unix(0, ns).UTC(), ID: u}, nil
}
