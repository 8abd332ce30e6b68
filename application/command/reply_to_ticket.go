package command

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/domain"
)

// ReplyToTicket is a staff reply; Public false makes it an internal note.
type ReplyToTicket struct {
	TicketID uuid.UUID
	Body     string
	Public   bool
}

// ReplyToTicketHandler handles ReplyToTicket.
type ReplyToTicketHandler struct{ d Deps }

// NewReplyToTicketHandler returns the handler.
func NewReplyToTicketHandler(d Deps) ReplyToTicketHandler { return ReplyToTicketHandler{d} }

// Handle posts the reply.
func (h ReplyToTicketHandler) Handle(ctx context.Context, c ReplyToTicket, meta CommandMeta) (TicketResult, error) {
	return ticketUpdate(ctx, h.d, c.TicketID, meta, func(t *domain.Ticket, _ time.Time) ([]domain.Event, error) {
		return t.Reply(c.Body, c.Public)
	})
}
