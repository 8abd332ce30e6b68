package web

import (
	"errors"
	"net/http"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/auth"
)

// sessionCookie holds the desk session's id. HttpOnly (no script reads it), SameSite=Lax
// (not sent on cross-site POSTs), Secure when the request came over https (TLS, or a trusted proxy says so) or the server is
// reached over https (Options.SecureCookies), Path /desk (the help center never sees it).
const sessionCookie = "desk_session"

// deskSessions is Sessions on a session store (application/auth) and the accounts: a
// session counts only while its account is active; the first request after a
// deactivation ends every session of the account.
type deskSessions struct {
	store auth.Sessions
	desk  Desk
}

// User implements Sessions.
func (s deskSessions) User(r *http.Request) (DeskUser, bool) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return DeskUser{}, false
	}
	id, err := s.store.Account(r.Context(), c.Value)
	if err != nil {
		return DeskUser{}, false
	}
	u, err := s.desk.Account(r.Context(), id)
	if errors.Is(err, application.ErrUnauthorized) {
		_ = s.store.EndAll(r.Context(), id)
	}
	if err != nil {
		return DeskUser{}, false
	}
	return u, true
}

// setSessionCookie gives the browser its session; an empty id with maxAge < 0 removes it.
func (s *Server) setSessionCookie(w http.ResponseWriter, r *http.Request, id string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: id, Path: "/desk", MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.Proxies.Client(r).Scheme == "https" || s.SecureCookies})
}
