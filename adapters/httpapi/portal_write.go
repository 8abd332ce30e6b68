package httpapi

import (
	"context"
	"fmt"
	"net/http"

	"github.com/google/uuid"
	"github.com/gorilla/mux"

	"github.com/ticketengine/ticketengine/application"
)

type portalReplyRequest struct {
	Body string `json:"body"`
}

type portalRatingRequest struct {
	Score   int    `json:"score"`
	Comment string `json:"comment"`
}

// portalTicket authenticates a portal request by number and access code, throttled per
// client address; a wrong code and an unknown number are the same 404.
func (s *Server) portalTicket(r *http.Request) (uuid.UUID, error) {
	addr := clientAddr(r)
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

// portalCommand is the shared path of the customer's two commands.
func portalCommand[B any](s *Server, run func(context.Context, uuid.UUID, B, application.CommandMeta) (application.TicketResult, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := s.portalTicket(r)
		if err != nil {
			s.writeProblem(w, r, err)
			return
		}
		var req B
		meta, err := decodeCommand(w, r, application.Principal{Role: application.PortalActor}, &req, false)
		if err != nil {
			s.writeProblem(w, r, err)
			return
		}
		res, err := run(r.Context(), id, req, meta)
		if err != nil {
			s.writeProblem(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"number": res.Ticket.Number, "status": res.Ticket.Status, "version": res.Ticket.Version})
	}
}

func (s *Server) portalReply(w http.ResponseWriter, r *http.Request) {
	portalCommand(s, func(ctx context.Context, id uuid.UUID, b portalReplyRequest, m application.CommandMeta) (application.TicketResult, error) {
		return s.Commands.CustomerReply.Handle(ctx, application.CustomerReply{TicketID: id, Body: b.Body}, m)
	})(w, r)
}

func (s *Server) portalRating(w http.ResponseWriter, r *http.Request) {
	portalCommand(s, func(ctx context.Context, id uuid.UUID, b portalRatingRequest, m application.CommandMeta) (application.TicketResult, error) {
		return s.Commands.Rate.Handle(ctx, application.RateTicket{TicketID: id, Score: b.Score, Comment: b.Comment}, m)
	})(w, r)
}
