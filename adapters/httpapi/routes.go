package httpapi

import (
	"net/http"

	"github.com/gorilla/mux"
)

// routes is the route table of API.md. Projection-backed reads are in routes_read.go.
func (s *Server) routes() *mux.Router {
	r := mux.NewRouter()
	r.Use(s.checkPathVars)
	r.NotFoundHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.writeProblem(w, r, errNoRoute)
	})
	r.MethodNotAllowedHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSONProblem(w, Problem{Type: problemBase + "method-not-allowed", Title: "Method not allowed", Status: http.StatusMethodNotAllowed})
	})
	command := func(method, path, name string, h http.HandlerFunc) {
		r.Handle(path, s.instrument(path, name, s.authed(commandRoles, h))).Methods(method)
	}
	command(http.MethodPost, "/tickets", "receive", s.receiveTicket)
	command(http.MethodPost, "/tickets/{id}/classify", "classify", s.classifyTicket)
	command(http.MethodPost, "/tickets/{id}/assign", "assign", s.assignTicket)
	command(http.MethodPost, "/tickets/{id}/escalate", "escalate", s.escalateTicket)
	command(http.MethodPost, "/tickets/{id}/replies", "reply", s.replyToTicket)
	command(http.MethodPost, "/tickets/{id}/wait", "wait", s.waitOnCustomer)
	command(http.MethodPost, "/tickets/{id}/resolve", "resolve", s.resolveTicket)
	command(http.MethodPost, "/tickets/{id}/reopen", "reopen", s.reopenTicket)
	command(http.MethodPost, "/tickets/{id}/close", "close", s.closeTicket)

	r.Handle("/tickets/{id}", s.instrument("/tickets/{id}", "", s.authed(staffRoles, s.getTicket))).Methods(http.MethodGet)
	r.Handle("/tickets/{id}/events", s.instrument("/tickets/{id}/events", "", s.authed(auditRoles, s.ticketEvents))).Methods(http.MethodGet)

	r.Handle("/agents", s.instrument("/agents", "register_agent", s.authed(managerRoles, s.registerAgent))).Methods(http.MethodPost)
	r.Handle("/agents/{id}/presence", s.instrument("/agents/{id}/presence", "presence", s.authed(presenceRoles, s.setPresence))).Methods(http.MethodPost)
	r.Handle("/tokens", s.instrument("/tokens", "issue_token", s.authed(adminRoles, s.issueToken))).Methods(http.MethodPost)

	r.Handle("/portal/tickets/{number}/replies", s.instrument("/portal/tickets/{number}/replies", "customer_reply", http.HandlerFunc(s.portalReply))).Methods(http.MethodPost)
	r.Handle("/portal/tickets/{number}/rating", s.instrument("/portal/tickets/{number}/rating", "rate", http.HandlerFunc(s.portalRating))).Methods(http.MethodPost)

	r.HandleFunc("/healthz", s.healthz).Methods(http.MethodGet)
	r.HandleFunc("/readyz", s.readyz).Methods(http.MethodGet)
	r.Handle("/metrics", s.metrics.handler).Methods(http.MethodGet)
	s.readRoutes(r)
	return r
}

func writeJSONProblem(w http.ResponseWriter, p Problem) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(p.Status)
	writeBody(w, p)
}
