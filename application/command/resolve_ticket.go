package command

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// ResolveTicket records the resolution.
type ResolveTicket struct {
	TicketID   uuid.UUID
	Resolution string
}

// ResolveTicketHandler handles ResolveTicket.
type ResolveTicketHandler struct{ s streams }

// NewResolveTicketHandler returns the handler on its ports; it panics when store or clock is nil.
func NewResolveTicketHandler(store eventlog.EventStore, clock application.Clock, cache *StreamCache) ResolveTicketHandler {
	return ResolveTicketHandler{newStreams("ResolveTicketHandler", store, clock, cache)}
}

// Handle resolves.
func (h ResolveTicketHandler) Handle(ctx context.Context, c ResolveTicket, meta CommandMeta) (TicketResult, error) {
	return ticketUpdate(ctx, h.s, c.TicketID, meta, func(t *domain.Ticket, _ time.Time) ([]domain.Event, error) {
		return t.Resolve(c.Resolution)
	})
}
