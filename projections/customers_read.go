package projections

import (
	"cmp"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/erasure"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/application/query"
	"github.com/ticketengine/ticketengine/domain"
)

// CustomerView is a customer record as GET /customers/{id} shows it.
type CustomerView struct {
	ID          uuid.UUID           `json:"id"`
	ExternalIDs []domain.ExternalID `json:"external_ids"`
	Name        string              `json:"name"`
	Email       string              `json:"email"`
	Phone       *string             `json:"phone"`
	Tier        domain.Tier         `json:"tier"`
	Language    *string             `json:"language"`
	Tickets     CustomerCounts      `json:"tickets"`
	// Erased: the customer's personal data was erased (POST /customers/{id}/erase); the
	// personal fields are empty. Absent until then.
	Erased bool `json:"erased,omitempty"`
	// Stored is false for a record made only of tickets received before records existed
	// (no customer stream yet): a tier change registers it first (command.ChangeCustomerTier).
	Stored bool `json:"-"`
}

// CustomerCounts are a customer's tickets, open and in all.
type CustomerCounts struct {
	Open  int `json:"open"`
	Total int `json:"total"`
}

// customerTickets are the rows of the customers projection, for one record's look-up.
// They are read whole (Queries.Rows): a query by customer id in the stores, over the
// table's index, is the change to make when customer reads get frequent.
func (s *Service) customerTickets(ctx context.Context) ([]*CustomerTicket, error) {
	if err := s.settle(ctx, Customers); err != nil {
		return nil, err
	}
	rows, err := s.Store.Rows(ctx, Customers)
	if err != nil {
		return nil, err
	}
	out := make([]*CustomerTicket, 0, len(rows))
	for _, r := range rows {
		if t := r.(*CustomerTicket); t.Version >= 0 && t.CustomerID != uuid.Nil {
			out = append(out, t)
		}
	}
	return out, nil
}

// ResolveCustomer is GET /tickets?customer=: ref (a record id, or an external id of
// source api, as GET /customers/{id} takes it) as its record's id; an external id that
// names no record is application.ErrNotFound.
func (s *Service) ResolveCustomer(ctx context.Context, ref string) (uuid.UUID, error) {
	if id, err := uuid.Parse(ref); err == nil {
		return id, nil
	}
	rows, err := s.customerTickets(ctx)
	if err != nil {
		return uuid.Nil, err
	}
	return s.resolveCustomer(ctx, ref, rows)
}

// resolveCustomer turns {id} (a record id, or an external id of source api) into a
// record id: an external id by its reservation, else by the tickets that gave it.
func (s *Service) resolveCustomer(ctx context.Context, ref string, rows []*CustomerTicket) (uuid.UUID, error) {
	if id, err := uuid.Parse(ref); err == nil {
		return id, nil
	}
	id, err := command.ReservedCustomer(ctx, s.Events, domain.ExternalID{Source: domain.SourceAPI, ID: ref})
	if err != nil || id != uuid.Nil {
		return id, err
	}
	for _, r := range byReceived(rows) {
		if r.ExternalID == ref {
			return r.CustomerID, nil
		}
	}
	return uuid.Nil, fmt.Errorf("%w: no customer %q", application.ErrNotFound, ref)
}

// Customer is GET /customers/{id}.
func (s *Service) Customer(ctx context.Context, ref string) (CustomerView, error) {
	rows, err := s.customerTickets(ctx)
	if err != nil {
		return CustomerView{}, err
	}
	id, err := s.resolveCustomer(ctx, ref, rows)
	if err != nil {
		return CustomerView{}, err
	}
	return s.customerView(ctx, id, rows)
}

// CustomersByEmail is GET /customers?email=: the record made for the email, or the record
// made without one that was given it later (command.EmailCustomer), if any.
func (s *Service) CustomersByEmail(ctx context.Context, email string) ([]CustomerView, error) {
	rows, err := s.customerTickets(ctx)
	if err != nil {
		return nil, err
	}
	id, err := command.EmailCustomer(ctx, s.Events, email) // a record given the email later
	if err != nil {
		return nil, err
	}
	if id == uuid.Nil {
		id = domain.CustomerRecordID(email)
	}
	v, err := s.customerView(ctx, id, rows)
	if err != nil {
		if errors.Is(err, application.ErrNotFound) {
			return []CustomerView{}, nil
		}
		return nil, err
	}
	return []CustomerView{v}, nil
}

// customerView is record id: its stream folded, else (a record of earlier tickets only)
// the customer of its latest ticket; with the counts of its tickets.
func (s *Service) customerView(ctx context.Context, id uuid.UUID, rows []*CustomerTicket) (CustomerView, error) {
	recs, err := s.Events.ReadStream(ctx, eventlog.CustomerStream(id))
	if err != nil {
		return CustomerView{}, err
	}
	rec, err := command.FoldCustomer(recs)
	if err != nil {
		return CustomerView{}, err
	}
	v := CustomerView{ID: id, ExternalIDs: []domain.ExternalID{}}
	var latest *CustomerTicket
	for _, r := range rows {
		if r.CustomerID != id {
			continue
		}
		v.Tickets.Total++
		if r.Open {
			v.Tickets.Open++
		}
		if latest == nil || r.Received > latest.Received {
			latest = r
		}
		if x := (domain.ExternalID{Source: domain.SourceAPI, ID: r.ExternalID}); r.ExternalID != "" && !slices.Contains(v.ExternalIDs, x) {
			v.ExternalIDs = append(v.ExternalIDs, x)
		}
	}
	switch st := rec.State(); {
	case rec.Exists():
		// The record's own ids first, then those of its tickets from before records existed.
		// A ticket's row knows the id, not its source: one the record holds under any
		// source (a channel's) is that one, not a second id of source api.
		known := func(x domain.ExternalID) bool {
			return slices.ContainsFunc(st.ExternalIDs, func(y domain.ExternalID) bool { return y.ID == x.ID })
		}
		v.Stored, v.ExternalIDs = true, append(st.ExternalIDs, slices.DeleteFunc(v.ExternalIDs, known)...)
		if st, err = s.openRecord(ctx, st); err != nil {
			return CustomerView{}, err
		}
		v.Name, v.Email, v.Phone, v.Tier, v.Language = st.Name, st.Email, optional(st.Phone), st.Tier, optional(st.Language)
		v.Erased = st.Erased
	case latest != nil:
		v.Name, v.Email, v.Phone, v.Tier, v.Language = latest.Name, latest.Email, optional(latest.Phone), latest.Tier, optional(latest.Language)
	default:
		return CustomerView{}, fmt.Errorf("%w: no customer %s", application.ErrNotFound, id)
	}
	return v, nil
}

// openRecord opens the sealed personal fields of a record (application/erasure). A
// record whose key is destroyed shows them empty: its customer was erased.
func (s *Service) openRecord(ctx context.Context, st domain.CustomerRecordState) (domain.CustomerRecordState, error) {
	fields := []*string{&st.Name, &st.Email, &st.Phone}
	if !slices.ContainsFunc(fields, func(f *string) bool { return erasure.Sealed(*f) }) {
		return st, nil
	}
	if s.Keys == nil {
		return st, fmt.Errorf("customer %s: personal fields are sealed and this process has no key store", st.ID)
	}
	key, err := s.Keys.Lookup(ctx, st.ID)
	if errors.Is(err, erasure.ErrErased) {
		st.Name, st.Email, st.Phone = "", "", ""
		return st, nil
	}
	if err != nil {
		return st, fmt.Errorf("customer %s data key: %w", st.ID, err)
	}
	for _, f := range fields {
		if *f, err = erasure.Open(key, st.ID, *f); err != nil {
			return st, err
		}
	}
	return st, nil
}

// ErasureTickets are the tickets an erasure of record id reaches: the record's own, and
// the unconfirmed self-service tickets of the email the record was made for (they are
// sealed with its key, as the confirmation would join it).
func (s *Service) ErasureTickets(ctx context.Context, id uuid.UUID) ([]uuid.UUID, error) {
	if err := s.settle(ctx, Customers); err != nil {
		return nil, err
	}
	rows, err := s.Store.Rows(ctx, Customers)
	if err != nil {
		return nil, err
	}
	var out []uuid.UUID
	for _, r := range rows {
		t := r.(*CustomerTicket)
		mine := t.CustomerID == id || t.CustomerID == uuid.Nil && t.Email != "" && domain.CustomerRecordID(t.Email) == id
		if t.Version >= 0 && mine {
			out = append(out, t.TicketID)
		}
	}
	return out, nil
}

// Adoption is the customer a tier change registers a record of earlier tickets from
// (command.ChangeCustomerTier.Adopt): nil when the record has its stream.
func (v CustomerView) Adoption() *domain.Customer {
	if v.Stored {
		return nil
	}
	c := domain.Customer{Name: v.Name, Email: v.Email, Tier: v.Tier}
	if v.Phone != nil {
		c.Phone = *v.Phone
	}
	if v.Language != nil {
		c.Language = *v.Language
	}
	if len(v.ExternalIDs) > 0 {
		c.ID = v.ExternalIDs[0].ID
	}
	return &c
}

// CustomerTicketsPage is GET /customers/{id}/tickets: the record's tickets, newest
// first, each as GET /tickets/{id} shows it (folded from its stream).
func (s *Service) CustomerTicketsPage(ctx context.Context, ref string, limit int, cursor string) ([]query.TicketView, string, error) {
	offset, err := decodeCursor(cursor)
	if err != nil {
		return nil, "", err
	}
	rows, err := s.customerTickets(ctx)
	if err != nil {
		return nil, "", err
	}
	id, err := s.resolveCustomer(ctx, ref, rows)
	if err != nil {
		return nil, "", err
	}
	if _, err := s.customerView(ctx, id, rows); err != nil {
		return nil, "", err
	}
	mine := slices.DeleteFunc(slices.Clone(rows), func(r *CustomerTicket) bool { return r.CustomerID != id })
	mine = byReceived(mine)
	slices.Reverse(mine)
	if limit <= 0 || limit > MaxLimit {
		limit = DefaultLimit
	}
	page := mine[min(offset, len(mine)):min(offset+limit, len(mine))]
	out := make([]query.TicketView, 0, len(page))
	now := s.Clock.Now()
	for _, r := range page {
		st, err := query.GetTicket(ctx, s.Events, r.TicketID, time.Time{})
		if err != nil {
			return nil, "", err
		}
		out = append(out, query.NewTicketView(st, now))
	}
	next := ""
	if offset+len(page) < len(mine) {
		next = base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(offset + len(page))))
	}
	return out, next, nil
}

// byReceived orders rows oldest first (ticket id breaking ties), so every look-up that
// picks one row picks the same.
func byReceived(rows []*CustomerTicket) []*CustomerTicket {
	slices.SortFunc(rows, func(a, b *CustomerTicket) int {
		if c := cmp.Compare(a.Received, b.Received); c != 0 {
			return c
		}
		return strings.Compare(a.TicketID.String(), b.TicketID.String())
	})
	return rows
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
