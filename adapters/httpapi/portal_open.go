package httpapi

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/gorilla/mux"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/access"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/domain"
)

// portalOpenRequest is the body of POST /portal/tickets. The customer gives only a name
// and an email: no external id and no tier (an unknown field is a 400), so nothing typed
// here can claim a record.
type portalOpenRequest struct {
	Customer struct {
		Name  string `json:"name"`
		Email string `json:"email"`
	} `json:"customer"`
	Subject     string   `json:"subject"`
	Body        string   `json:"body"`
	Attachments []string `json:"attachments"`
}

type portalOpenedResponse struct {
	Number     string        `json:"number"`
	AccessCode string        `json:"access_code"`
	Status     domain.Status `json:"status"`
}

// portalClient is the principal of a self-service request: the customer, with the
// client's address as subject in pseudonymous form (a keyed HMAC: Options.Pseudonyms), so
// idempotency keys are scoped to the client (command.derivedID takes the actor) without
// the address itself entering the event log. Anonymous uploads belong to the same.
func (s *Server) portalClient(addr string) access.Principal {
	return access.Principal{Role: access.RoleCustomer, Subject: s.Pseudonyms.ClientPseudonym(addr)}
}

// openPortalTicket is POST /portal/tickets: anyone opens a web ticket, at most
// OpenLimiter's count a minute per client address (every request counts, a refused one
// not). The ticket is unverified until the customer follows the link mailed to the
// address (confirmPortalTicket).
func (s *Server) openPortalTicket(w http.ResponseWriter, r *http.Request) {
	addr := clientAddr(r)
	if !s.OpenLimiter.Take(addr) {
		s.writeProblem(w, r, fmt.Errorf("%w: too many tickets opened from this address", errRateLimited))
		return
	}
	var req portalOpenRequest
	meta, err := decodeCommand(w, r, s.portalClient(addr), &req, false)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	res, err := attached(s, r.Context(), meta.Actor, req.Attachments, meta, func(atts []domain.Attachment) (command.ReceivedTicket, error) {
		return s.Commands.Receive.Handle(r.Context(), command.ReceiveTicket{Channel: domain.ChannelWeb,
			Customer: domain.Customer{Name: req.Customer.Name, Email: req.Customer.Email},
			Subject:  req.Subject, Body: req.Body, Unverified: true, Attachments: atts}, meta)
	})
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	t := res.Ticket
	w.Header().Set("Location", "/portal/tickets/"+t.Number)
	w.Header().Set("ETag", strconv.Quote(strconv.FormatInt(t.Version, 10)))
	writeJSON(w, http.StatusCreated, portalOpenedResponse{Number: t.Number, AccessCode: res.AccessCode, Status: t.Status})
}

// confirmPortalTicket is GET or POST /portal/tickets/{number}/confirm?code=&token=: the
// link mailed to a self-service ticket's customer. The number and code find the ticket
// (throttled like every portal look-up); a wrong token is the same 404 and counts as a
// failed look-up too. Confirming twice answers the same.
func (s *Server) confirmPortalTicket(w http.ResponseWriter, r *http.Request) {
	id, err := s.portalTicket(r)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	var meta command.CommandMeta
	if r.Method == http.MethodPost {
		var none struct{}
		meta, err = decodeCommand(w, r, access.Customer, &none, true)
	} else {
		meta, err = commandMeta(r, access.Customer, nil)
	}
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	res, err := s.Commands.VerifyCustomer.Handle(r.Context(), command.VerifyTicketCustomer{TicketID: id, Token: r.URL.Query().Get("token")}, meta)
	if errors.Is(err, application.ErrNotFound) {
		s.PortalLimiter.Failed(clientAddr(r))
	}
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	t := res.Ticket
	writeJSON(w, http.StatusOK, map[string]any{"number": t.Number, "status": t.Status, "version": t.Version, "verified": !t.Unverified})
}

// portalOpenRoutes registers self-service: opening a ticket and confirming its address.
func (s *Server) portalOpenRoutes(r *mux.Router) {
	s.portalRoute(r, http.MethodPost, "/portal/tickets", "portal_open", access.PortalOpen, s.openPortalTicket)
	s.portalRoute(r, http.MethodPost, "/portal/tickets/{number}/confirm", "portal_confirm", access.PortalConfirm, s.confirmPortalTicket)
	s.portalRoute(r, http.MethodGet, "/portal/tickets/{number}/confirm", "portal_confirm", access.PortalConfirm, s.confirmPortalTicket)
}
