package httpapi

import (
	"context"
	"fmt"
	"net/http"

	"github.com/google/uuid"
	"github.com/gorilla/mux"

	"github.com/ticketengine/ticketengine/application/attachments"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/domain"
)

type portalReplyRequest struct {
	Body        string   `json:"body"`
	Attachments []string `json:"attachments"`
}

type portalRatingRequest struct {
	Score   int    `json:"score"`
	NPS     *int   `json:"nps"`
	Comment string `json:"comment"`
}

// portalTicket authenticates a portal request by number and access code, throttled per
// client address; a wrong code and an unknown number are the same 404.
func (s *Server) portalTicket(r *http.Request) (uuid.UUID, error) {
	addr := s.clientAddr(r)
	if !s.PortalLimiter.Allow(addr) {
		return uuid.Nil, fmt.Errorf("%w: too many failed look-ups from this address", errRateLimited)
	}
	id, err := s.Commands.FindByNumber.Find(r.Context(), mux.Vars(r)["number"], r.URL.Query().Get("code"))
	if err != nil {
		s.PortalLimiter.Failed(addr)
		return uuid.Nil, err
	}
	return id, nil
}

// portalCommand is runCommand for the customer's two commands: the ticket is found by
// number and access code, the answer is short.
func portalCommand[B any](s *Server, run func(context.Context, uuid.UUID, B, command.CommandMeta) (command.TicketResult, error)) http.HandlerFunc {
	answer := func(w http.ResponseWriter, res command.TicketResult) {
		writeJSON(w, http.StatusOK, map[string]any{"number": res.Ticket.Number, "status": res.Ticket.Status, "version": res.Ticket.Version})
	}
	return runCommand(s, commandRoute{ticket: s.portalTicket, answer: answer}, run)
}

func (s *Server) portalReply(w http.ResponseWriter, r *http.Request) {
	portalCommand(s, func(ctx context.Context, id uuid.UUID, b portalReplyRequest, m command.CommandMeta) (command.TicketResult, error) {
		return attached(s, ctx, attachments.TicketUploader(id), b.Attachments, m, func(atts []domain.Attachment) (command.TicketResult, error) {
			return s.Commands.CustomerReply.Handle(ctx, command.CustomerReply{TicketID: id, Body: b.Body, Attachments: atts}, m)
		})
	})(w, r)
}

func (s *Server) portalRating(w http.ResponseWriter, r *http.Request) {
	portalCommand(s, func(ctx context.Context, id uuid.UUID, b portalRatingRequest, m command.CommandMeta) (command.TicketResult, error) {
		return s.Commands.Rate.Handle(ctx, command.RateTicket{TicketID: id, Score: b.Score, NPS: b.NPS, Comment: b.Comment}, m)
	})(w, r)
}
