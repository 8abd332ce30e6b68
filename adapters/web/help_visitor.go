package web

import (
	"net/http"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/access"
)

// The help center knows a browser by a random id in the cookie helpVisitorCookie, set
// when it first opens an article: no name, no address, nothing a person typed. What the
// browser opened (articles, tickets) goes to its help-visitor stream, from which the KPI
// report counts deflections (docs/KNOWLEDGE.md). Recording is best effort: a failure is
// logged and the page is shown all the same.

const (
	helpVisitorCookie = "hc"
	helpVisitorMaxAge = 60 * 60 * 24 * 30 // 30 days
)

// helpVisitor is the browser's id; with create, a new one is set when it has none.
func (s *Server) helpVisitor(w http.ResponseWriter, r *http.Request, create bool) (uuid.UUID, bool) {
	if c, err := r.Cookie(helpVisitorCookie); err == nil {
		if id, err := uuid.Parse(c.Value); err == nil && id != uuid.Nil {
			return id, true
		}
	}
	if !create {
		return uuid.Nil, false
	}
	id := uuid.New()
	http.SetCookie(w, &http.Cookie{Name: helpVisitorCookie, Value: id.String(), Path: "/help", MaxAge: helpVisitorMaxAge,
		HttpOnly: true, Secure: s.SecureCookies, SameSite: http.SameSiteLaxMode})
	return id, true
}

// recordVisit records an article read (article set) or a ticket opened (article nil).
func (s *Server) recordVisit(w http.ResponseWriter, r *http.Request, article uuid.UUID, category string) {
	if s.Knowledge == nil {
		return
	}
	visitor, ok := s.helpVisitor(w, r, article != uuid.Nil)
	if !ok {
		return // a ticket opened by a browser that read no article: nothing to tell
	}
	if err := s.Knowledge.Visit(r.Context(), visitor, article, category, meta(access.Customer)); err != nil {
		s.Logger.Warn("help visit not recorded", "err", err.Error())
	}
}
