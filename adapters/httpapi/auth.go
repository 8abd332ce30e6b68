package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/access"
)

type principalKey struct{}

// authed wraps a handler that needs a bearer token whose role application/access lets do
// the action.
func (s *Server) authed(action access.Action, next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := s.authenticate(r)
		if err != nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="tickets"`)
			s.writeProblem(w, r, err)
			return
		}
		if err := access.Authorize(p, action); err != nil {
			s.writeProblem(w, r, fmt.Errorf("%s %s: %w", r.Method, r.URL.Path, err))
			return
		}
		next(w, r.WithContext(context.WithValue(r.Context(), principalKey{}, p)))
	})
}

// asCustomer wraps a portal handler: the caller acts as the customer, which the handler
// proves by the ticket's number and access code.
func (s *Server) asCustomer(action access.Action, next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := access.Authorize(access.Customer, action); err != nil {
			s.writeProblem(w, r, err)
			return
		}
		next(w, r.WithContext(context.WithValue(r.Context(), principalKey{}, access.Customer)))
	})
}

func (s *Server) authenticate(r *http.Request) (access.Principal, error) {
	h := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return access.Principal{}, application.ErrUnauthorized
	}
	return s.Auth.Authenticate(r.Context(), strings.TrimSpace(token))
}

// principal returns the authenticated principal of the request.
func principal(r *http.Request) access.Principal {
	p, _ := r.Context().Value(principalKey{}).(access.Principal)
	return p
}

// clientAddr is the request's client key for the limiters, pseudonyms and logs: the peer,
// or what a trusted proxy says the client was (access.Proxies).
func (s *Server) clientAddr(r *http.Request) string { return s.Proxies.ClientAddr(r) }
