package httpapi

import (
	"context"
	"net/http"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/command"
)

// tagsRequest adds and removes tags in one command; either list may be absent.
type tagsRequest struct {
	Add    []string `json:"add"`
	Remove []string `json:"remove"`
}

// tagTicket is POST /tickets/{id}/tags: the ticket, with its tags, as GET /tickets/{id}.
func (s *Server) tagTicket(w http.ResponseWriter, r *http.Request) {
	ticketCommand(s, false, func(ctx context.Context, id uuid.UUID, b tagsRequest, m command.CommandMeta) (command.TicketResult, error) {
		return s.Commands.Tags.Handle(ctx, command.ChangeTicketTags{TicketID: id, Add: b.Add, Remove: b.Remove}, m)
	})(w, r)
}
