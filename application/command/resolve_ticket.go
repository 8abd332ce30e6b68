package command

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/domain"
)

// ResolveTicket records the resolution.
type ResolveTicket struct {
	TicketID   uuid.UUID
	Resolution string
}

// ResolveTicketHandler handles ResolveTicket.
type ResolveTicketHandler struct{ d Deps }

// NewResolveTicketHandler returns the handler.
func NewResolveTicketHandler(d Deps) ResolveTicketHandler { return ResolveTicketHandler{d} }

// Handle resolves.
func (h ResolveTicketHandler) Handle(ctx context.Context, c ResolveTicket, meta CommandMeta) (TicketResult, error) {
	return ticketUpdate(ctx, h.d, c.TicketID, meta, func(t *domain.Ticket, _ time.Time) ([]domain.Event, error) {
		return t.Resolve(c.Resolution)
	})
}
