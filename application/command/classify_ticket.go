package command

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/domain"
)

// ClassifyTicket sets category, priority and team.
type ClassifyTicket struct {
	TicketID uuid.UUID
	domain.ClassifyTicket
}

// ClassifyTicketHandler handles ClassifyTicket.
type ClassifyTicketHandler struct{ d Deps }

// NewClassifyTicketHandler returns the handler.
func NewClassifyTicketHandler(d Deps) ClassifyTicketHandler { return ClassifyTicketHandler{d} }

// Handle classifies the ticket.
func (h ClassifyTicketHandler) Handle(ctx context.Context, c ClassifyTicket, meta CommandMeta) (TicketResult, error) {
	c.Rule = meta.Rule
	return ticketUpdate(ctx, h.d, c.TicketID, meta, func(t *domain.Ticket, _ time.Time) ([]domain.Event, error) {
		return t.Classify(c.ClassifyTicket, h.d.Policy)
	})
}
