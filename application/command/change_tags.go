package command

import (
	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// ChangeTicketTags adds and removes tags in one command (POST /tickets/{id}/tags).
type ChangeTicketTags struct {
	TicketID    uuid.UUID
	Add, Remove []string
}

// ChangeTicketTagsHandler handles ChangeTicketTags.
type ChangeTicketTagsHandler = TicketHandler[ChangeTicketTags]

// NewChangeTicketTagsHandler returns the handler on its ports; it panics when store or clock is nil.
func NewChangeTicketTagsHandler(store eventlog.EventStore, clock application.Clock, cache *StreamCache) ChangeTicketTagsHandler {
	return newTicketHandler[ChangeTicketTags](store, clock, cache, domain.SLAPolicy{})
}

func (c ChangeTicketTags) ticket() uuid.UUID { return c.TicketID }

func (c ChangeTicketTags) decide(t *domain.Ticket, _ decision) ([]domain.Event, error) {
	return t.ChangeTags(c.Add, c.Remove)
}
