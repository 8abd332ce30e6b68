package httpapi

import (
	"net/http"

	"github.com/gorilla/mux"

	"github.com/ticketengine/ticketengine/application/access"
)

// routeAction is one route and the action application/access authorises on it; the
// public routes (health, metrics) have none.
type routeAction struct {
	Method, Path string
	Action       access.Action
	Portal       bool // authorised as the customer, who proves it by number and code
}

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
	command := func(path string, a access.Action, h http.HandlerFunc) {
		s.staffRoute(r, http.MethodPost, path, string(a), a, h)
	}
	command("/tickets", access.Receive, s.receiveTicket)
	command("/tickets/{id}/classify", access.Classify, s.classifyTicket)
	command("/tickets/{id}/assign", access.Assign, s.assignTicket)
	command("/tickets/{id}/escalate", access.Escalate, s.escalateTicket)
	command("/tickets/{id}/replies", access.Reply, s.replyToTicket)
	command("/tickets/{id}/wait", access.Wait, s.waitOnCustomer)
	command("/tickets/{id}/resolve", access.Resolve, s.resolveTicket)
	command("/tickets/{id}/reopen", access.Reopen, s.reopenTicket)
	command("/tickets/{id}/close", access.Close, s.closeTicket)
	command("/tickets/{id}/tags", access.Tag, s.tagTicket)
	s.macroRoutes(r)
	s.articleRoutes(r)

	s.staffRoute(r, http.MethodGet, "/tickets/{id}", "", access.GetTicket, s.getTicket)
	s.staffRoute(r, http.MethodGet, "/tickets/{id}/events", "", access.TicketEvents, s.ticketEvents)

	s.staffRoute(r, http.MethodPost, "/agents", "register_agent", access.RegisterAgent, s.registerAgent)
	s.staffRoute(r, http.MethodPost, "/agents/{id}/presence", "presence", access.SetPresence, s.setPresence)
	s.staffRoute(r, http.MethodPost, "/tokens", "issue_token", access.IssueToken, s.issueToken)
	s.staffRoutes(r)

	s.portalRoute(r, http.MethodPost, "/portal/tickets/{number}/replies", "customer_reply", access.PortalReply, s.portalReply)
	s.portalRoute(r, http.MethodPost, "/portal/tickets/{number}/rating", "rate", access.PortalRate, s.portalRating)
	s.portalOpenRoutes(r)
	s.attachmentRoutes(r)
	s.channelRoutes(r)

	r.HandleFunc("/healthz", s.healthz).Methods(http.MethodGet)
	r.HandleFunc("/readyz", s.readyz).Methods(http.MethodGet)
	r.Handle("/metrics", s.metrics.handler).Methods(http.MethodGet)
	s.readRoutes(r)
	s.contractRoutes(r)
	return r
}

// staffRoute registers a route for bearer tokens allowed the action; name labels the
// command metrics ("" for reads).
func (s *Server) staffRoute(r *mux.Router, method, path, name string, a access.Action, h http.HandlerFunc) {
	s.routeActions = append(s.routeActions, routeAction{Method: method, Path: path, Action: a})
	r.Handle(path, s.instrument(path, name, s.authed(a, h))).Methods(method)
}

// portalRoute registers a route of the customer's, found by number and access code.
func (s *Server) portalRoute(r *mux.Router, method, path, name string, a access.Action, h http.HandlerFunc) {
	s.routeActions = append(s.routeActions, routeAction{Method: method, Path: path, Action: a, Portal: true})
	r.Handle(path, s.instrument(path, name, s.asCustomer(a, h))).Methods(method)
}

func writeJSONProblem(w http.ResponseWriter, p Problem) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(p.Status)
	writeBody(w, p)
}
