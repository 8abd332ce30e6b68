package command

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/domain"
)

// CustomerReply is the customer's message from the portal.
type CustomerReply struct {
	TicketID uuid.UUID
	Body     string
}

// CustomerReplyHandler handles CustomerReply.
type CustomerReplyHandler struct{ d Deps }

// NewCustomerReplyHandler returns the handler.
func NewCustomerReplyHandler(d Deps) CustomerReplyHandler { return CustomerReplyHandler{d} }

// Handle records the reply (resuming a waiting ticket, reopening a resolved one).
func (h CustomerReplyHandler) Handle(ctx context.Context, c CustomerReply, meta CommandMeta) (TicketResult, error) {
	return ticketUpdate(ctx, h.d, c.TicketID, meta, func(t *domain.Ticket, now time.Time) ([]domain.Event, error) {
		return t.CustomerReply(c.Body, now, h.d.Policy)
	})
}
