package command

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// ReprioritizeTicket changes only the priority (tier rules).
type ReprioritizeTicket struct {
	TicketID uuid.UUID
	Priority domain.Priority
}

// ReprioritizeTicketHandler handles ReprioritizeTicket.
type ReprioritizeTicketHandler struct {
	s      streams
	policy domain.SLAPolicy
}

// NewReprioritizeTicketHandler returns the handler on its ports; it panics when store or clock is nil.
func NewReprioritizeTicketHandler(store eventlog.EventStore, clock application.Clock, cache *StreamCache, policy domain.SLAPolicy) ReprioritizeTicketHandler {
	return ReprioritizeTicketHandler{s: newStreams("ReprioritizeTicketHandler", store, clock, cache), policy: policy}
}

// Handle changes the priority.
func (h ReprioritizeTicketHandler) Handle(ctx context.Context, c ReprioritizeTicket, meta CommandMeta) (TicketResult, error) {
	return ticketUpdate(ctx, h.s, c.TicketID, meta, func(t *domain.Ticket, _ time.Time) ([]domain.Event, error) {
		return t.Reprioritize(c.Priority, meta.Rule, h.policy)
	})
}
