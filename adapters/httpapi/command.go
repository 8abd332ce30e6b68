package httpapi

import (
	"context"
	"net/http"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/command"
)

// commandRoute says how a command on an existing ticket finds its ticket and answers:
// staff name the ticket by id in the path, the customer by number and access code.
type commandRoute struct {
	ticket     func(*http.Request) (uuid.UUID, error)
	allowEmpty bool // whether an empty body decodes as {}
	answer     func(http.ResponseWriter, command.TicketResult)
}

// runCommand is the shared path of every command on an existing ticket: find the ticket,
// read and decode the body, collect the metadata for the request's principal, run, answer.
func runCommand[B any](s *Server, c commandRoute, run func(context.Context, uuid.UUID, B, command.CommandMeta) (command.TicketResult, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := c.ticket(r)
		if err != nil {
			s.writeProblem(w, r, err)
			return
		}
		var req B
		meta, err := decodeCommand(w, r, principal(r), &req, c.allowEmpty)
		if err != nil {
			s.writeProblem(w, r, err)
			return
		}
		res, err := run(r.Context(), id, req, meta)
		if err != nil {
			s.writeProblem(w, r, err)
			return
		}
		c.answer(w, res)
	}
}
