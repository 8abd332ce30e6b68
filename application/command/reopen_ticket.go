package command

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// ReopenTicket brings a resolved ticket back.
type ReopenTicket struct {
	TicketID uuid.UUID
	Reason   string
}

// ReopenTicketHandler handles ReopenTicket.
type ReopenTicketHandler struct {
	s      streams
	policy domain.SLAPolicy
}

// NewReopenTicketHandler returns the handler on its ports; it panics when store or clock is nil.
func NewReopenTicketHandler(store eventlog.EventStore, clock application.Clock, cache *StreamCache, policy domain.SLAPolicy) ReopenTicketHandler {
	return ReopenTicketHandler{s: newStreams("ReopenTicketHandler", store, clock, cache), policy: policy}
}

// Handle reopens.
func (h ReopenTicketHandler) Handle(ctx context.Context, c ReopenTicket, meta CommandMeta) (TicketResult, error) {
	return ticketUpdate(ctx, h.s, c.TicketID, meta, func(t *domain.Ticket, now time.Time) ([]domain.Event, error) {
		return t.Reopen(c.Reason, now, h.policy)
	})
}
