package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"strconv"

	"github.com/google/uuid"
	"github.com/gorilla/mux"

	"github.com/ticketengine/ticketengine/application/access"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/query"
	"github.com/ticketengine/ticketengine/domain"
)

// Request bodies. Unknown fields are refused by decodeStrict.
type (
	receiveRequest struct {
		Channel     domain.Channel  `json:"channel"`
		Customer    domain.Customer `json:"customer"`
		Subject     string          `json:"subject"`
		Body        string          `json:"body"`
		Attachments []string        `json:"attachments"`
	}
	classifyRequest struct {
		Category string          `json:"category"`
		Priority domain.Priority `json:"priority"`
		Team     string          `json:"team"`
	}
	assignRequest struct {
		AgentID *string `json:"agent_id"`
		Auto    bool    `json:"auto"`
	}
	escalateRequest struct {
		Team   string `json:"team"`
		Reason string `json:"reason"`
	}
	replyRequest struct {
		Body        string   `json:"body"`
		Public      *bool    `json:"public"`
		Attachments []string `json:"attachments"`
	}
	reasonRequest struct {
		Reason string `json:"reason"`
	}
	resolveRequest struct {
		Resolution string `json:"resolution"`
	}
)

// ticketCommand is runCommand for staff: the ticket is the {id} of the path, the answer
// the whole ticket.
func ticketCommand[B any](s *Server, allowEmpty bool, run func(context.Context, uuid.UUID, B, command.CommandMeta) (command.TicketResult, error)) http.HandlerFunc {
	answer := func(w http.ResponseWriter, res command.TicketResult) { s.writeTicket(w, http.StatusOK, res.Ticket) }
	return runCommand(s, commandRoute{ticket: pathID, allowEmpty: allowEmpty, answer: answer}, run)
}

// pathID parses the {id} of the path; a malformed id names no ticket, so it is a 404.
func pathID(r *http.Request) (uuid.UUID, error) {
	id, err := uuid.Parse(mux.Vars(r)["id"])
	if err != nil {
		return uuid.Nil, fmt.Errorf("%w: %q is not a ticket id", domain.ErrNotFound, mux.Vars(r)["id"])
	}
	return id, nil
}

func (s *Server) writeTicket(w http.ResponseWriter, status int, t domain.TicketState) {
	w.Header().Set("ETag", strconv.Quote(strconv.FormatInt(t.Version, 10)))
	writeJSON(w, status, query.NewTicketView(t, s.Clock.Now()))
}

func (s *Server) classifyTicket(w http.ResponseWriter, r *http.Request) {
	ticketCommand(s, false, func(ctx context.Context, id uuid.UUID, b classifyRequest, m command.CommandMeta) (command.TicketResult, error) {
		return s.Commands.Classify.Handle(ctx, command.ClassifyTicket{TicketID: id, ClassifyTicket: domain.ClassifyTicket{Category: b.Category, Priority: b.Priority, Team: b.Team}}, m)
	})(w, r)
}

func (s *Server) assignTicket(w http.ResponseWriter, r *http.Request) {
	ticketCommand(s, false, func(ctx context.Context, id uuid.UUID, b assignRequest, m command.CommandMeta) (command.TicketResult, error) {
		c := command.AssignTicket{TicketID: id, Auto: b.Auto}
		if b.AgentID != nil {
			agent, err := uuid.Parse(*b.AgentID)
			if err != nil || agent == uuid.Nil {
				return command.TicketResult{}, &domain.ValidationError{Fields: []domain.FieldError{{Field: "agent_id", Message: "must be an agent's id"}}}
			}
			c.AgentID = agent
		}
		return s.Commands.Assign.Handle(ctx, c, m)
	})(w, r)
}

func (s *Server) escalateTicket(w http.ResponseWriter, r *http.Request) {
	ticketCommand(s, false, func(ctx context.Context, id uuid.UUID, b escalateRequest, m command.CommandMeta) (command.TicketResult, error) {
		return s.Commands.Escalate.Handle(ctx, command.EscalateTicket{TicketID: id, EscalateTicket: domain.EscalateTicket{Team: b.Team, Reason: b.Reason}}, m)
	})(w, r)
}

func (s *Server) replyToTicket(w http.ResponseWriter, r *http.Request) {
	ticketCommand(s, false, func(ctx context.Context, id uuid.UUID, b replyRequest, m command.CommandMeta) (command.TicketResult, error) {
		public := b.Public == nil || *b.Public // a reply is public unless marked as a note
		if !public {
			if err := access.Authorize(principal(r), access.Note); err != nil {
				return command.TicketResult{}, err
			}
		}
		return attached(s, ctx, principal(r).Actor(), b.Attachments, m, func(atts []domain.Attachment) (command.TicketResult, error) {
			return s.Commands.Reply.Handle(ctx, command.ReplyToTicket{TicketID: id, Body: b.Body, Public: public, Attachments: atts}, m)
		})
	})(w, r)
}

func (s *Server) waitOnCustomer(w http.ResponseWriter, r *http.Request) {
	ticketCommand(s, false, func(ctx context.Context, id uuid.UUID, b reasonRequest, m command.CommandMeta) (command.TicketResult, error) {
		return s.Commands.Wait.Handle(ctx, command.WaitOnCustomer{TicketID: id, Reason: b.Reason}, m)
	})(w, r)
}

func (s *Server) resolveTicket(w http.ResponseWriter, r *http.Request) {
	ticketCommand(s, false, func(ctx context.Context, id uuid.UUID, b resolveRequest, m command.CommandMeta) (command.TicketResult, error) {
		return s.Commands.Resolve.Handle(ctx, command.ResolveTicket{TicketID: id, Resolution: b.Resolution}, m)
	})(w, r)
}

func (s *Server) reopenTicket(w http.ResponseWriter, r *http.Request) {
	ticketCommand(s, true, func(ctx context.Context, id uuid.UUID, b reasonRequest, m command.CommandMeta) (command.TicketResult, error) {
		return s.Commands.Reopen.Handle(ctx, command.ReopenTicket{TicketID: id, Reason: b.Reason}, m)
	})(w, r)
}

func (s *Server) closeTicket(w http.ResponseWriter, r *http.Request) {
	ticketCommand(s, true, func(ctx context.Context, id uuid.UUID, _ struct{}, m command.CommandMeta) (command.TicketResult, error) {
		return s.Commands.Close.Handle(ctx, command.CloseTicket{TicketID: id}, m)
	})(w, r)
}
