package inbound

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/auth"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// decide finds the ticket the message threads to and what the message does there:
//   - a person's message on an open or resolved ticket of theirs is their reply (which
//     resumes a waiting ticket and reopens a resolved one, as the portal's does);
//   - on a closed ticket of theirs, a new ticket naming it (FollowUpOf);
//   - threaded to nobody's ticket, or to someone else's, a new ticket: only the ticket's
//     customer may speak on it;
//   - an automatic message is recorded on the ticket it threads to (a bounce comes from a
//     mail system, not the customer, so for it the sender is not checked), and with no
//     such ticket it is refused (ErrNoTicket), never made a ticket.
func (in *Intake) decide(ctx context.Context, m Message) (Reservation, error) {
	d := Reservation{Source: m.Source, Outcome: Opened}
	t, err := in.threaded(ctx, m)
	if err != nil {
		return d, err
	}
	if m.Kind != KindMessage {
		if t == nil {
			return d, ErrNoTicket
		}
		d.Outcome, d.Ticket = Recorded, t.ID
		return d, nil
	}
	switch {
	case t == nil:
	case t.Status == domain.StatusClosed:
		d.Outcome, d.FollowUpOf = FollowUp, t.ID
	default:
		d.Outcome, d.Ticket = Replied, t.ID
	}
	return d, nil
}

// threaded is the first ticket the message's thread names whose customer sent it (for an
// automatic message: the first ticket it names); nil for none.
func (in *Intake) threaded(ctx context.Context, m Message) (*domain.TicketState, error) {
	ids, err := in.candidates(ctx, m)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		recs, err := in.store.ReadStream(ctx, eventlog.TicketStream(id))
		if err != nil {
			return nil, fmt.Errorf("read ticket %s: %w", id, err)
		}
		if len(recs) == 0 {
			continue
		}
		t, err := command.FoldTicket(recs)
		if err != nil {
			return nil, err
		}
		s := t.State()
		if m.Kind != KindMessage || sameCustomer(s, m) {
			return &s, nil
		}
	}
	return nil, nil
}

// candidates lists the tickets the thread names, best first: the conversation's latest
// ticket, the tickets named directly, those of the earlier messages referenced (newest
// reference first), the number in the subject.
func (in *Intake) candidates(ctx context.Context, m Message) ([]uuid.UUID, error) {
	var ids []uuid.UUID
	if c := m.Thread.Conversation; c != "" {
		recs, err := in.store.ReadStream(ctx, ConversationStream(m.Source, c))
		if err != nil {
			return nil, err
		}
		if n := len(recs); n > 0 {
			if id, ok := conversationTicket(recs[n-1]); ok {
				ids = append(ids, id)
			}
		}
	}
	ids = append(ids, m.Thread.Tickets...)
	scope := m.Scope
	if scope == "" {
		scope = m.Source
	}
	for i := len(m.Thread.References) - 1; i >= 0 && i >= len(m.Thread.References)-10; i-- {
		r, err := readReservation(ctx, in.store, ReservationStream(scope, m.Thread.References[i]))
		if err != nil {
			return nil, err
		}
		if r.stored != nil {
			ids = append(ids, r.stored.Ticket)
		}
	}
	if n := m.Thread.Number; n != "" {
		id, err := ticketOfNumber(ctx, in.store, n)
		if err != nil {
			return nil, err
		}
		if id != uuid.Nil {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// sameCustomer reports whether the message's sender is the ticket's customer: the same
// email (case-insensitive), the same id in the same source, or, for a sender without an
// email, the same phone number (domain.SamePhone).
func sameCustomer(t domain.TicketState, m Message) bool {
	c := t.Customer
	if m.Customer.Email != "" && domain.NormalizeEmail(c.Email) == domain.NormalizeEmail(m.Customer.Email) {
		return true
	}
	if m.Customer.Email == "" && m.Customer.ID == "" && domain.SamePhone(c.Phone, m.Customer.Phone) {
		return true
	}
	return m.Customer.ID != "" && c.ID == m.Customer.ID && t.Source == m.Source
}

func conversationTicket(rec eventlog.Record) (uuid.UUID, bool) {
	var c ConversationOpened
	if rec.Type != TypeConversationOpened || json.Unmarshal(rec.Data, &c) != nil || c.Ticket == uuid.Nil {
		return uuid.Nil, false
	}
	return c.Ticket, true
}

// ticketOfNumber is the ticket a number was reserved for (uuid.Nil: none).
func ticketOfNumber(ctx context.Context, store eventlog.EventStore, number string) (uuid.UUID, error) {
	number = strings.ToUpper(number)
	stream := eventlog.NumberStreamPrefix + number
	if eventlog.CheckStream(stream) != nil {
		return uuid.Nil, nil
	}
	recs, err := store.ReadStream(ctx, stream)
	if err != nil || len(recs) == 0 {
		return uuid.Nil, err
	}
	var r auth.NumberReservation
	if err := json.Unmarshal(recs[0].Data, &r); err != nil {
		return uuid.Nil, nil
	}
	return r.TicketID, nil
}
