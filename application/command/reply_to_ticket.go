package command

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// ReplyToTicket is a staff reply; Public false makes it an internal note.
type ReplyToTicket struct {
	TicketID uuid.UUID
	Body     string
	Public   bool
}

// ReplyToTicketHandler handles ReplyToTicket.
type ReplyToTicketHandler struct{ s streams }

// NewReplyToTicketHandler returns the handler on its ports; it panics when store or clock is nil.
func NewReplyToTicketHandler(store eventlog.EventStore, clock application.Clock, cache *StreamCache) ReplyToTicketHandler {
	return ReplyToTicketHandler{newStreams("ReplyToTicketHandler", store, clock, cache)}
}

// Handle posts the reply.
func (h ReplyToTicketHandler) Handle(ctx context.Context, c ReplyToTicket, meta CommandMeta) (TicketResult, error) {
	return ticketUpdate(ctx, h.s, c.TicketID, meta, func(t *domain.Ticket, _ time.Time) ([]domain.Event, error) {
		return t.Reply(c.Body, c.Public)
	})
}
