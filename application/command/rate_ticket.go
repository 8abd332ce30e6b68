package command

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/domain"
)

// RateTicket is the customer's satisfaction rating.
type RateTicket struct {
	TicketID uuid.UUID
	Score    int
	Comment  string
}

// RateTicketHandler handles RateTicket.
type RateTicketHandler struct{ d Deps }

// NewRateTicketHandler returns the handler.
func NewRateTicketHandler(d Deps) RateTicketHandler { return RateTicketHandler{d} }

// Handle records the rating, once per resolution.
func (h RateTicketHandler) Handle(ctx context.Context, c RateTicket, meta CommandMeta) (TicketResult, error) {
	return ticketUpdate(ctx, h.d, c.TicketID, meta, func(t *domain.Ticket, _ time.Time) ([]domain.Event, error) {
		return t.Rate(c.Score, c.Comment)
	})
}
