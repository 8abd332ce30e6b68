package command

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/domain"
)

// CloseTicket ends a resolved ticket.
type CloseTicket struct {
	TicketID uuid.UUID
}

// CloseTicketHandler handles CloseTicket.
type CloseTicketHandler struct{ d Deps }

// NewCloseTicketHandler returns the handler.
func NewCloseTicketHandler(d Deps) CloseTicketHandler { return CloseTicketHandler{d} }

// Handle closes.
func (h CloseTicketHandler) Handle(ctx context.Context, c CloseTicket, meta CommandMeta) (TicketResult, error) {
	return ticketUpdate(ctx, h.d, c.TicketID, meta, func(t *domain.Ticket, _ time.Time) ([]domain.Event, error) {
		return t.Close()
	})
}
