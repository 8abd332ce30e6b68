package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/access"
	"github.com/ticketengine/ticketengine/application/auth"
	"github.com/ticketengine/ticketengine/domain/errs"
)

// signInPage is GET /desk/signin: the form (email, password); someone signed in already
// goes on to the desk.
func (s *Server) signInPage(w http.ResponseWriter, r *http.Request) {
	if s.Sessions != nil {
		if _, ok := s.Sessions.User(r); ok {
			http.Redirect(w, r, deskNext(queryValue(r, "next")), http.StatusSeeOther)
			return
		}
	}
	p := s.newPage(r, "desk.signin.title")
	p.Form["next"] = queryValue(r, "next")
	s.render(w, r, http.StatusOK, "desk_signin", p)
}

// signIn is POST /desk/signin. Failures are throttled per account (its email) and per
// client address: once either has failed too often in the window, the answer is the 429
// page, right or wrong password, until the window moves on.
func (s *Server) signIn(w http.ResponseWriter, r *http.Request) {
	f, err := s.readDeskForm(w, r, maxForm)
	if err != nil {
		s.failWith(w, r, err)
		return
	}
	email, addr := strings.ToLower(strings.TrimSpace(f.values["email"])), s.clientAddr(r)
	account := "account:" + auth.HashSecret(email)
	if !s.SignInAccountLimiter.Allow(account) || !s.SignInClientLimiter.Allow(addr) {
		s.failWith(w, r, access.ErrRateLimited)
		return
	}
	u, err := s.Desk.SignIn(r.Context(), email, f.values["password"])
	if errors.Is(err, application.ErrUnauthorized) || errs.KindOf(err) == errs.Unauthorized {
		s.SignInAccountLimiter.Failed(account)
		s.SignInClientLimiter.Failed(addr)
		p := s.newPage(r, "desk.signin.title")
		p.Form = map[string]string{"email": f.values["email"], "next": f.values["next"]}
		p.Message = "desk.signin.wrong"
		s.render(w, r, http.StatusUnauthorized, "desk_signin", p)
		return
	}
	var id string
	if err == nil {
		id, err = s.SessionStore.Start(r.Context(), u.ID)
	}
	if err != nil {
		s.failWith(w, r, err)
		return
	}
	s.setSessionCookie(w, r, id, int(auth.SessionAbsolute.Seconds()))
	http.Redirect(w, r, deskNext(f.values["next"]), http.StatusSeeOther)
}

// signOut is POST /desk/signout: the session ends on the server, the cookie goes.
func (s *Server) signOut(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" && s.SessionStore != nil {
		if err := s.SessionStore.End(r.Context(), c.Value); err != nil {
			s.failWith(w, r, err)
			return
		}
	}
	s.setSessionCookie(w, r, "", -1)
	http.Redirect(w, r, deskSignIn, http.StatusSeeOther)
}

// deskNext is where to go after signing in: a desk path only, never another site.
func deskNext(next string) string {
	if !strings.HasPrefix(next, "/desk") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\") ||
		strings.HasPrefix(next, deskSignIn) {
		return "/desk"
	}
	return next
}
