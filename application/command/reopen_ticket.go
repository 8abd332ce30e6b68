package command

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/domain"
)

// ReopenTicket brings a resolved ticket back.
type ReopenTicket struct {
	TicketID uuid.UUID
	Reason   string
}

// ReopenTicketHandler handles ReopenTicket.
type ReopenTicketHandler struct{ d Deps }

// NewReopenTicketHandler returns the handler.
func NewReopenTicketHandler(d Deps) ReopenTicketHandler { return ReopenTicketHandler{d} }

// Handle reopens.
func (h ReopenTicketHandler) Handle(ctx context.Context, c ReopenTicket, meta CommandMeta) (TicketResult, error) {
	return ticketUpdate(ctx, h.d, c.TicketID, meta, func(t *domain.Ticket, now time.Time) ([]domain.Event, error) {
		return t.Reopen(c.Reason, now, h.d.Policy)
	})
}
