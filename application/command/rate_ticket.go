package command

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// RateTicket is the customer's satisfaction rating.
type RateTicket struct {
	TicketID uuid.UUID
	Score    int
	Comment  string
}

// RateTicketHandler handles RateTicket.
type RateTicketHandler struct{ s streams }

// NewRateTicketHandler returns the handler on its ports; it panics when store or clock is nil.
func NewRateTicketHandler(store eventlog.EventStore, clock application.Clock, cache *StreamCache) RateTicketHandler {
	return RateTicketHandler{newStreams("RateTicketHandler", store, clock, cache)}
}

// Handle records the rating, once per resolution.
func (h RateTicketHandler) Handle(ctx context.Context, c RateTicket, meta CommandMeta) (TicketResult, error) {
	return ticketUpdate(ctx, h.s, c.TicketID, meta, func(t *domain.Ticket, _ time.Time) ([]domain.Event, error) {
		return t.Rate(c.Score, c.Comment)
	})
}
