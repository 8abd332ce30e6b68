package command

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// ClassifyTicket sets category, priority and team.
type ClassifyTicket struct {
	TicketID uuid.UUID
	domain.ClassifyTicket
}

// ClassifyTicketHandler handles ClassifyTicket.
type ClassifyTicketHandler struct {
	s      streams
	policy domain.SLAPolicy
}

// NewClassifyTicketHandler returns the handler on its ports; it panics when store or clock is nil.
func NewClassifyTicketHandler(store eventlog.EventStore, clock application.Clock, cache *StreamCache, policy domain.SLAPolicy) ClassifyTicketHandler {
	return ClassifyTicketHandler{s: newStreams("ClassifyTicketHandler", store, clock, cache), policy: policy}
}

// Handle classifies the ticket.
func (h ClassifyTicketHandler) Handle(ctx context.Context, c ClassifyTicket, meta CommandMeta) (TicketResult, error) {
	c.Rule = meta.Rule
	return ticketUpdate(ctx, h.s, c.TicketID, meta, func(t *domain.Ticket, _ time.Time) ([]domain.Event, error) {
		return t.Classify(c.ClassifyTicket, h.policy)
	})
}
