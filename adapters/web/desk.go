package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/google/uuid"
)

// The desk (/desk) is for staff. Every desk page is registered with deskRoute, naming
// the roles that may see it; the guard asks Options.Sessions who is signed in, puts the
// user in the request's context (DeskUserOf) and answers the sign-in redirect or the 403
// page otherwise. Sign-in, sign-out and the sessions themselves implement Sessions.

// DeskUser is the staff account signed in to the desk.
type DeskUser struct {
	ID                                uuid.UUID
	Name, Email, Role, Team, Language string
	Online                            bool // an agent's presence
}

// Sessions tells who is signed in to the desk from a request (its session cookie).
type Sessions interface {
	// User is the request's signed-in, active account; false when there is none.
	User(r *http.Request) (DeskUser, bool)
}

type deskUserKey struct{}

// WithDeskUser returns ctx carrying u, as the guard does.
func WithDeskUser(ctx context.Context, u DeskUser) context.Context {
	return context.WithValue(ctx, deskUserKey{}, u)
}

// DeskUserOf is the signed-in user the guard put in ctx.
func DeskUserOf(ctx context.Context) (DeskUser, bool) {
	u, ok := ctx.Value(deskUserKey{}).(DeskUser)
	return u, ok
}

// deskSignIn is where the guard sends a request nobody is signed in to.
const deskSignIn = "/desk/signin"

// deskRoute registers a desk page that the listed roles may see.
func (s *Server) deskRoute(mux *http.ServeMux, pattern string, h http.HandlerFunc, roles ...string) {
	mux.Handle(pattern, s.deskGuard(h, roles))
}

// deskGuard wraps a desk page: no session → 303 to the sign-in page (remembering where
// to come back to, for GETs), a role not listed → the 403 page.
func (s *Server) deskGuard(h http.HandlerFunc, roles []string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var u DeskUser
		ok := false
		if s.Sessions != nil {
			u, ok = s.Sessions.User(r)
		}
		if !ok {
			to := deskSignIn
			if r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/desk") {
				to += "?next=" + url.QueryEscape(r.URL.RequestURI())
			}
			http.Redirect(w, r, to, http.StatusSeeOther)
			return
		}
		if !slices.Contains(roles, u.Role) {
			s.fail(w, r, http.StatusForbidden, "error.forbidden")
			return
		}
		h(w, r.WithContext(WithDeskUser(r.Context(), u)))
	})
}
