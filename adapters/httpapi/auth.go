package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/auth"
)

type principalKey struct{}

// Role sets used by the routes.
var (
	commandRoles  = []auth.Role{auth.RoleAdmin, auth.RoleSupervisor, auth.RoleAgent}
	staffRoles    = []auth.Role{auth.RoleAdmin, auth.RoleSupervisor, auth.RoleAgent, auth.RoleAuditor, auth.RoleAnalyst}
	auditRoles    = []auth.Role{auth.RoleAdmin, auth.RoleSupervisor, auth.RoleAuditor}
	analystRoles  = []auth.Role{auth.RoleAdmin, auth.RoleSupervisor, auth.RoleAnalyst}
	managerRoles  = []auth.Role{auth.RoleAdmin, auth.RoleSupervisor}
	adminRoles    = []auth.Role{auth.RoleAdmin}
	presenceRoles = commandRoles
)

// authed wraps a handler that needs a bearer token of one of the roles.
func (s *Server) authed(roles []auth.Role, next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := s.authenticate(r)
		if err != nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="tickets"`)
			s.writeProblem(w, r, err)
			return
		}
		if !hasRole(p, roles) {
			s.writeProblem(w, r, fmt.Errorf("%w: role %s may not %s %s", application.ErrForbidden, p.Role, r.Method, r.URL.Path))
			return
		}
		next(w, r.WithContext(context.WithValue(r.Context(), principalKey{}, p)))
	})
}

func (s *Server) authenticate(r *http.Request) (auth.Principal, error) {
	h := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return auth.Principal{}, application.ErrUnauthorized
	}
	return s.Auth.Authenticate(r.Context(), strings.TrimSpace(token))
}

func hasRole(p auth.Principal, roles []auth.Role) bool {
	for _, r := range roles {
		if p.Role == r {
			return true
		}
	}
	return false
}

// principal returns the authenticated principal of the request.
func principal(r *http.Request) auth.Principal {
	p, _ := r.Context().Value(principalKey{}).(auth.Principal)
	return p
}
