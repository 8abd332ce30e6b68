// Package httpapi is the HTTP adapter: the public HTTP contract (docs/API-NOTES.md and
// the routes) on gorilla/mux.
// It turns requests into commands and queries, and maps the closed set of error kinds to
// problem documents in one place (problems.go).
package httpapi

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/google/uuid"
	"github.com/gorilla/mux"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/access"
	"github.com/ticketengine/ticketengine/application/attachments"
	"github.com/ticketengine/ticketengine/application/auth"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/projections"
)

// Options are the server's dependencies. Commands, Store, Auth and Registry are required.
type Options struct {
	Commands *command.Commands
	Store    eventlog.EventStore
	Auth     *auth.Authenticator
	Clock    application.Clock
	Logger   *slog.Logger
	Registry *prometheus.Registry
	// ReadSide serves the projection-backed reads (queues, KPIs, portal, agents).
	ReadSide ReadSide
	// Ready reports whether this node can serve: its stores reachable, the projections it
	// answers for caught up (projections.ReadyRule), not draining. stale are the shared
	// read models another node projects that are behind: a warning in /readyz's body, not
	// a failure.
	Ready func(ctx context.Context) (stale []projections.Lag, err error)
	// PortalLimiter throttles portal look-ups per client address.
	PortalLimiter *access.Limiter
	// OpenLimiter throttles self-service tickets (POST /portal/tickets) per client
	// address: its own bucket, so opening tickets never locks anyone out of look-ups.
	OpenLimiter *access.Limiter
	// Attachments serves the uploads and downloads; nil: no attachment routes, and a
	// message naming attachments is a 422.
	Attachments *attachments.Service
	// UploadLimiter throttles anonymous uploads (POST /portal/attachments) per client
	// address: a bucket of its own, like OpenLimiter's.
	UploadLimiter *access.Limiter
	// VoteLimiter throttles "did this help?" votes (POST /portal/articles/{id}/feedback)
	// per client address: a bucket of its own, shared with the help center's form;
	// nil: access.NewVoteLimiter().
	VoteLimiter *access.Limiter
	// Pseudonyms name self-service clients (portalClient); nil derives them from a key
	// of this process's own (ticketd passes the server key's: auth.Secrets).
	Pseudonyms ClientPseudonyms
	// Proxies are the peers trusted to tell the client's address and scheme
	// (--trusted-proxies); the zero value trusts none and keys on the connection's peer.
	Proxies access.Proxies
	// Channels are the signed intakes of POST /channels/{name}/messages by name
	// (ParseChannels), and Intake the use case they feed; with either missing every
	// channel name is a 404.
	Channels map[string]Channel
	Intake   Intake
}

// ClientPseudonyms turns a client address into the pseudonym a self-service request acts
// as: auth.Secrets.ClientPseudonym, keyed with the server key.
type ClientPseudonyms interface {
	ClientPseudonym(addr string) string
}

// Server serves the API.
type Server struct {
	Options
	log          *slog.Logger
	metrics      *metrics
	router       *mux.Router
	routeActions []routeAction // what routes() registered, for the tests of authorisation
}

// New builds the server and its routes; it refuses Options missing a required field.
func New(o Options) (*Server, error) {
	if err := o.check(); err != nil {
		return nil, err
	}
	if o.Clock == nil {
		o.Clock = application.SystemClock{}
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.PortalLimiter == nil {
		o.PortalLimiter = access.NewLimiter(20, time.Minute)
	}
	if o.OpenLimiter == nil {
		o.OpenLimiter = access.NewLimiter(20, time.Minute)
	}
	if o.Pseudonyms == nil {
		o.Pseudonyms = auth.EphemeralSecrets()
	}
	if o.UploadLimiter == nil {
		o.UploadLimiter = access.NewLimiter(20, time.Minute)
	}
	if o.VoteLimiter == nil {
		o.VoteLimiter = access.NewVoteLimiter()
	}
	s := &Server{Options: o, log: o.Logger, metrics: newMetrics(o.Registry)}
	s.router = s.routes()
	return s, nil
}

// ServeHTTP implements http.Handler.
// Headers and the query string pass the text rule here, before routing; path values in
// the router's middleware (checkPathVars); bodies in decodeStrict.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	err := checkHeaders(r)
	var bad *edgeError
	if id := r.Header.Get("X-Request-ID"); id == "" || errors.As(err, &bad) && bad.field == "X-Request-ID" {
		r.Header.Set("X-Request-ID", uuid.NewString()) // never echo a refused id
	}
	w.Header().Set("X-Request-ID", r.Header.Get("X-Request-ID"))
	if err == nil {
		err = checkQuery(r)
	}
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	s.router.ServeHTTP(w, r)
}

// commandMeta collects what every command carries from the request.
func commandMeta(r *http.Request, p access.Principal, body []byte) (command.CommandMeta, error) {
	key, err := parseIdempotencyKey(r)
	if err != nil {
		return command.CommandMeta{}, err
	}
	ifMatch, err := parseIfMatch(r)
	if err != nil {
		return command.CommandMeta{}, err
	}
	corr := r.Header.Get("X-Correlation-ID") // checked by checkHeaders
	if corr == "" {
		corr = r.Header.Get("X-Request-ID")
	}
	meta := command.CommandMeta{
		Actor: p.Actor(), CorrelationID: corr, CausationID: r.Header.Get("X-Request-ID"),
		IdempotencyKey: key, ExpectedVersion: ifMatch,
	}
	if key != "" {
		meta.RequestHash = requestHash(r, body)
	}
	return meta, nil
}
