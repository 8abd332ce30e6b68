package command

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// CustomerReply is the customer's message from the portal.
type CustomerReply struct {
	TicketID uuid.UUID
	Body     string
}

// CustomerReplyHandler handles CustomerReply.
type CustomerReplyHandler struct {
	s      streams
	policy domain.SLAPolicy
}

// NewCustomerReplyHandler returns the handler on its ports; it panics when store or clock is nil.
func NewCustomerReplyHandler(store eventlog.EventStore, clock application.Clock, cache *StreamCache, policy domain.SLAPolicy) CustomerReplyHandler {
	return CustomerReplyHandler{s: newStreams("CustomerReplyHandler", store, clock, cache), policy: policy}
}

// Handle records the reply (resuming a waiting ticket, reopening a resolved one).
func (h CustomerReplyHandler) Handle(ctx context.Context, c CustomerReply, meta CommandMeta) (TicketResult, error) {
	return ticketUpdate(ctx, h.s, c.TicketID, meta, func(t *domain.Ticket, now time.Time) ([]domain.Event, error) {
		return t.CustomerReply(c.Body, now, h.policy)
	})
}
