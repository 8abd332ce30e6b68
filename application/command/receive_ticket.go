package command

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/auth"
	"github.com/ticketengine/ticketengine/application/erasure"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// ReceiveTicket opens a ticket from a customer's request.
type ReceiveTicket = domain.ReceiveTicket

// ReceivedTicket is the answer to ReceiveTicket: the only place the access code is shown.
type ReceivedTicket struct {
	TicketResult
	AccessCode string
}

// ReceiveTicketHandler handles ReceiveTicket.
type ReceiveTicketHandler struct {
	s       streams
	policy  domain.SLAPolicy
	secrets *auth.Secrets
	keys    erasure.KeyStore // nil: customer records' personal fields in plain
}

// WithKeys returns the handler sealing the personal fields of the customer records it
// makes with keys (application/erasure).
func (h ReceiveTicketHandler) WithKeys(keys erasure.KeyStore) ReceiveTicketHandler {
	h.keys = keys
	return h
}

// NewReceiveTicketHandler returns the handler on its ports; it panics when one but the
// cache is nil.
func NewReceiveTicketHandler(store eventlog.EventStore, clock application.Clock, cache *StreamCache,
	policy domain.SLAPolicy, secrets *auth.Secrets) ReceiveTicketHandler {
	return ReceiveTicketHandler{
		s:      newStreams("ReceiveTicketHandler", store, clock, cache),
		policy: policy, secrets: mustSecrets("ReceiveTicketHandler", secrets),
	}
}

// Handle validates, joins the customer's record (joinCustomer), reserves a unique number,
// and records TicketReceived. With an
// idempotency key the ticket id is derived from it, so a repeat finds the first ticket.
// Without one it is a UUIDv7, which starts with its creation time: the streams of
// tickets made about the same time sort together in a store's index (bbolt's B+tree, a
// PostgreSQL index), so the appends of a busy moment touch a few pages, not one random
// page each.
func (h ReceiveTicketHandler) Handle(ctx context.Context, c ReceiveTicket, meta CommandMeta) (ReceivedTicket, error) {
	if err := c.Validate(); err != nil {
		return ReceivedTicket{}, err
	}
	id, err := uuid.NewV7()
	if err != nil {
		return ReceivedTicket{}, fmt.Errorf("ticket id: %w", err)
	}
	if meta.IdempotencyKey != "" {
		id = ReceivedTicketID(meta.Actor, meta.IdempotencyKey)
		if prior, found, err := h.replay(ctx, id, meta); err != nil || found {
			return prior, err
		}
	}
	if c.Unverified {
		// An unconfirmed address joins no record: whoever typed someone else's email gets
		// neither that record's tier nor a place in it (VerifyTicketCustomer joins later).
		c.Customer.ID, c.Customer.RecordID, c.Customer.Tier = "", "", domain.TierStandard
	} else {
		record, err := joinCustomer(ctx, h.s, h.keys, h.secrets, c.Customer, c.Source, meta)
		if err != nil {
			return ReceivedTicket{}, err
		}
		// The ticket keeps the customer as the request gave them, on the record's tier: the
		// record's tier is authoritative once it exists (its SLA follows it).
		c.Customer.RecordID, c.Customer.Tier = record.ID.String(), record.Tier
	}
	number, err := h.reserveNumber(ctx, id, meta)
	if err != nil {
		return ReceivedTicket{}, err
	}
	code := h.secrets.AccessCode(id)
	out, err := update(ctx, h.s, eventlog.TicketStream(id), meta, ticketFolder, func(t *domain.Ticket, now time.Time) ([]domain.Event, error) {
		if t.Exists() {
			return nil, fmt.Errorf("%w: ticket %s exists", application.ErrConflict, id)
		}
		return domain.Receive(c, id, number, auth.HashSecret(code), now, h.policy)
	})
	if err != nil {
		return ReceivedTicket{}, err
	}
	return ReceivedTicket{TicketResult{Ticket: out.Agg.State(), Appended: out.Appended, Replayed: out.Replayed}, code}, nil
}

func (h ReceiveTicketHandler) replay(ctx context.Context, id uuid.UUID, meta CommandMeta) (ReceivedTicket, bool, error) {
	recs, err := h.s.store.ReadStream(ctx, eventlog.TicketStream(id))
	if err != nil || len(recs) == 0 {
		return ReceivedTicket{}, false, err
	}
	n, found, err := findIdempotent(appendKeys(nil, 0, recs), meta)
	if err != nil || !found {
		return ReceivedTicket{}, false, err
	}
	t, err := FoldTicket(recs[:n])
	if err != nil {
		return ReceivedTicket{}, false, err
	}
	return ReceivedTicket{TicketResult{Ticket: t.State(), Replayed: true}, h.secrets.AccessCode(id)}, true, nil
}

// reserveNumber claims a fresh number; a collision (rare: 30 bits) draws another.
func (h ReceiveTicketHandler) reserveNumber(ctx context.Context, id uuid.UUID, meta CommandMeta) (string, error) {
	data, _ := json.Marshal(auth.NumberReservation{TicketID: id})
	for range 8 {
		number := auth.NewTicketNumber()
		stream := eventlog.NumberStreamPrefix + number
		recs, err := newRecords(stream, eventlog.NoStream, "", []string{auth.TypeTicketNumberReserved}, [][]byte{data}, CommandMeta{Actor: meta.Actor, CorrelationID: meta.CorrelationID, CausationID: meta.CausationID}, h.s.clock.Now())
		if err != nil {
			return "", err
		}
		_, err = h.s.store.Append(ctx, stream, eventlog.NoStream, recs)
		if err == nil {
			return number, nil
		}
		if !errors.Is(err, eventlog.ErrWrongExpectedVersion) {
			return "", fmt.Errorf("reserve ticket number: %w", err)
		}
	}
	return "", fmt.Errorf("reserve ticket number: eight collisions in a row")
}
