package command

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/auth"
	"github.com/ticketengine/ticketengine/application/erasure"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// VerifyTicketCustomer confirms the address of a self-service ticket's customer (the
// link mailed to it was followed): the ticket joins the record of that email and takes
// its tier. Token is the confirmation token of the link (auth.Secrets.ConfirmToken); a
// wrong one is the same not-found as an unknown ticket.
type VerifyTicketCustomer struct {
	TicketID uuid.UUID
	Token    string
}

// VerifyTicketCustomerHandler handles VerifyTicketCustomer.
type VerifyTicketCustomerHandler struct {
	s       streams
	policy  domain.SLAPolicy
	secrets *auth.Secrets
	keys    erasure.KeyStore
}

// NewVerifyTicketCustomerHandler returns the handler on its ports; it panics when one but
// the cache is nil.
func NewVerifyTicketCustomerHandler(store eventlog.EventStore, clock application.Clock, cache *StreamCache,
	policy domain.SLAPolicy, secrets *auth.Secrets) VerifyTicketCustomerHandler {
	return VerifyTicketCustomerHandler{s: newStreams("VerifyTicketCustomerHandler", store, clock, cache),
		policy: policy, secrets: mustSecrets("VerifyTicketCustomerHandler", secrets)}
}

// WithKeys returns the handler sealing the personal fields of the records it registers.
func (h VerifyTicketCustomerHandler) WithKeys(keys erasure.KeyStore) VerifyTicketCustomerHandler {
	h.keys = keys
	return h
}

// Handle joins (or makes) the record of the ticket's email, as a receive would, then
// records TicketCustomerVerified on the ticket. A verified ticket is answered as it is.
// A crash between the two leaves a record that the next confirmation (or receive for
// that email) finds, so the confirmation can simply be repeated.
func (h VerifyTicketCustomerHandler) Handle(ctx context.Context, c VerifyTicketCustomer, meta CommandMeta) (TicketResult, error) {
	if !h.secrets.ConfirmTokenMatches(c.TicketID, c.Token) {
		return TicketResult{}, fmt.Errorf("%w: no such confirmation", application.ErrNotFound)
	}
	recs, err := h.s.store.ReadStream(ctx, eventlog.TicketStream(c.TicketID))
	if err != nil {
		return TicketResult{}, err
	}
	t, err := FoldTicket(recs)
	if err != nil {
		return TicketResult{}, err
	}
	if !t.Exists() {
		return TicketResult{}, application.ErrNotFound
	}
	if !t.State().Unverified {
		return TicketResult{Ticket: t.State()}, nil
	}
	cust := t.State().Customer
	cust.ID, cust.RecordID = "", "" // a self-service ticket has no external id: the email alone
	record, err := joinCustomer(ctx, h.s, h.keys, h.secrets, cust, "", meta)
	if err != nil {
		return TicketResult{}, err
	}
	return ticketUpdate(ctx, h.s, c.TicketID, meta, func(t *domain.Ticket, _ time.Time) ([]domain.Event, error) {
		return t.VerifyCustomer(record.ID.String(), record.Tier, h.policy)
	})
}
