package command

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/domain"
)

// EscalateTicket hands the ticket to another team.
type EscalateTicket struct {
	TicketID uuid.UUID
	domain.EscalateTicket
}

// EscalateTicketHandler handles EscalateTicket.
type EscalateTicketHandler struct{ d Deps }

// NewEscalateTicketHandler returns the handler.
func NewEscalateTicketHandler(d Deps) EscalateTicketHandler { return EscalateTicketHandler{d} }

// Handle escalates.
func (h EscalateTicketHandler) Handle(ctx context.Context, c EscalateTicket, meta CommandMeta) (TicketResult, error) {
	return ticketUpdate(ctx, h.d, c.TicketID, meta, func(t *domain.Ticket, now time.Time) ([]domain.Event, error) {
		return t.Escalate(c.EscalateTicket, now, h.d.Policy)
	})
}
