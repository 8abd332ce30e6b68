package command

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// EscalateTicket hands the ticket to another team.
type EscalateTicket struct {
	TicketID uuid.UUID
	domain.EscalateTicket
}

// EscalateTicketHandler handles EscalateTicket.
type EscalateTicketHandler struct {
	s      streams
	policy domain.SLAPolicy
}

// NewEscalateTicketHandler returns the handler on its ports; it panics when store or clock is nil.
func NewEscalateTicketHandler(store eventlog.EventStore, clock application.Clock, cache *StreamCache, policy domain.SLAPolicy) EscalateTicketHandler {
	return EscalateTicketHandler{s: newStreams("EscalateTicketHandler", store, clock, cache), policy: policy}
}

// Handle escalates.
func (h EscalateTicketHandler) Handle(ctx context.Context, c EscalateTicket, meta CommandMeta) (TicketResult, error) {
	return ticketUpdate(ctx, h.s, c.TicketID, meta, func(t *domain.Ticket, now time.Time) ([]domain.Event, error) {
		return t.Escalate(c.EscalateTicket, now, h.policy)
	})
}
