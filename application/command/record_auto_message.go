package command

import (
	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// RecordAutoMessage keeps an automatic message that came in on a ticket (an
// out-of-office answer, a bounce): shown to staff, changing nothing else.
type RecordAutoMessage struct {
	TicketID    uuid.UUID
	Kind        string // domain.AutoReply or domain.AutoBounce
	Body        string
	Attachments []domain.Attachment // resolved and claimed (application/attachments)
}

// RecordAutoMessageHandler handles RecordAutoMessage.
type RecordAutoMessageHandler = TicketHandler[RecordAutoMessage]

// NewRecordAutoMessageHandler returns the handler on its ports; it panics when store or clock is nil.
func NewRecordAutoMessageHandler(store eventlog.EventStore, clock application.Clock, cache *StreamCache) RecordAutoMessageHandler {
	return newTicketHandler[RecordAutoMessage](store, clock, cache, domain.SLAPolicy{})
}

func (c RecordAutoMessage) ticket() uuid.UUID { return c.TicketID }

func (c RecordAutoMessage) decide(t *domain.Ticket, _ decision) ([]domain.Event, error) {
	return t.RecordAutoMessage(c.Kind, c.Body, c.Attachments...)
}
