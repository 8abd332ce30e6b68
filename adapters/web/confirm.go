package web

import (
	"errors"
	"net/http"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/access"
)

// confirmPage is GET /help/tickets/{number}/confirm?code=&token=, the link in the mail:
// a page with one button. Opening a link changes nothing (mail scanners open links); the
// button confirms.
func (s *Server) confirmPage(w http.ResponseWriter, r *http.Request) {
	if _, err := s.find(r); err != nil {
		s.failWith(w, r, err)
		return
	}
	p := s.newPage(r, "confirm.title")
	p.Number, p.Code, p.Token = r.PathValue("number"), queryValue(r, "code"), queryValue(r, "token")
	s.render(w, r, http.StatusOK, "confirm", p)
}

// confirm is POST /help/tickets/{number}/confirm?code=&token=: the address is confirmed
// and the ticket joins the customer's record. A wrong token is the same 404 as a wrong
// code, and counts as a failed look-up.
func (s *Server) confirm(w http.ResponseWriter, r *http.Request) {
	id, err := s.find(r)
	if err != nil {
		s.failWith(w, r, err)
		return
	}
	res, err := s.Customers.Confirm(r.Context(), id, queryValue(r, "token"), meta(access.Customer))
	if errors.Is(err, application.ErrNotFound) {
		s.PortalLimiter.Failed(s.clientAddr(r))
	}
	if err != nil {
		s.failWith(w, r, err)
		return
	}
	http.Redirect(w, r, ticketURL(res.Ticket.Number, queryValue(r, "code"), res.Ticket.Version), http.StatusSeeOther)
}
