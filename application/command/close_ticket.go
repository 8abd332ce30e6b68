package command

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// CloseTicket ends a resolved ticket.
type CloseTicket struct {
	TicketID uuid.UUID
}

// CloseTicketHandler handles CloseTicket.
type CloseTicketHandler struct{ s streams }

// NewCloseTicketHandler returns the handler on its ports; it panics when store or clock is nil.
func NewCloseTicketHandler(store eventlog.EventStore, clock application.Clock, cache *StreamCache) CloseTicketHandler {
	return CloseTicketHandler{newStreams("CloseTicketHandler", store, clock, cache)}
}

// Handle closes.
func (h CloseTicketHandler) Handle(ctx context.Context, c CloseTicket, meta CommandMeta) (TicketResult, error) {
	return ticketUpdate(ctx, h.s, c.TicketID, meta, func(t *domain.Ticket, _ time.Time) ([]domain.Event, error) {
		return t.Close()
	})
}
