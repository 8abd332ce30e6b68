package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/ticketengine/ticketengine/application"
)

type principalKey struct{}

// Role sets used by the routes.
var (
	commandRoles  = []application.Role{application.RoleAdmin, application.RoleSupervisor, application.RoleAgent}
	staffRoles    = []application.Role{application.RoleAdmin, application.RoleSupervisor, application.RoleAgent, application.RoleAuditor, application.RoleAnalyst}
	auditRoles    = []application.Role{application.RoleAdmin, application.RoleSupervisor, application.RoleAuditor}
	analystRoles  = []application.Role{application.RoleAdmin, application.RoleSupervisor, application.RoleAnalyst}
	managerRoles  = []application.Role{application.RoleAdmin, application.RoleSupervisor}
	adminRoles    = []application.Role{application.RoleAdmin}
	presenceRoles = commandRoles
)

// authed wraps a handler that needs a bearer token of one of the roles.
func (s *Server) authed(roles []application.Role, next http.HandlerFunc) http.Handler {
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

func (s *Server) authenticate(r *http.Request) (application.Principal, error) {
	h := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return application.Principal{}, application.ErrUnauthorized
	}
	return s.Auth.Authenticate(r.Context(), strings.TrimSpace(token))
}

func hasRole(p application.Principal, roles []application.Role) bool {
	for _, r := range roles {
		if p.Role == r {
			return true
		}
	}
	return false
}

// principal returns the authenticated principal of the request.
func principal(r *http.Request) application.Principal {
	p, _ := r.Context().Value(principalKey{}).(application.Principal)
	return p
}
