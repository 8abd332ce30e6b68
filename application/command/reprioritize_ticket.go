package command

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/domain"
)

// ReprioritizeTicket changes only the priority (tier rules).
type ReprioritizeTicket struct {
	TicketID uuid.UUID
	Priority domain.Priority
}

// ReprioritizeTicketHandler handles ReprioritizeTicket.
type ReprioritizeTicketHandler struct{ d Deps }

// NewReprioritizeTicketHandler returns the handler.
func NewReprioritizeTicketHandler(d Deps) ReprioritizeTicketHandler {
	return ReprioritizeTicketHandler{d}
}

// Handle changes the priority.
func (h ReprioritizeTicketHandler) Handle(ctx context.Context, c ReprioritizeTicket, meta CommandMeta) (TicketResult, error) {
	return ticketUpdate(ctx, h.d, c.TicketID, meta, func(t *domain.Ticket, _ time.Time) ([]domain.Event, error) {
		return t.Reprioritize(c.Priority, meta.Rule, h.d.Policy)
	})
}
