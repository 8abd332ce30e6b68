package web

import (
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"strings"
	"sync/atomic"
	"time"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/access"
	"github.com/ticketengine/ticketengine/application/auth"
)

// Options are the adapter's dependencies. Customers and Tickets are required; the
// limiters are the API's own (application/access), so pages and API share one budget.
type Options struct {
	Customers Customers
	Tickets   Tickets
	// PortalLimiter throttles look-ups by number and code per client address.
	PortalLimiter *access.Limiter
	// OpenLimiter throttles opening tickets per client address.
	OpenLimiter *access.Limiter
	// UploadLimiter throttles the files of the open form per client address, one per
	// file: the budget of POST /portal/attachments (anonymous uploads).
	UploadLimiter *access.Limiter
	// VoteLimiter throttles "did this help?" votes per client address: the budget of
	// POST /portal/articles/{id}/feedback; nil: access.NewVoteLimiter().
	VoteLimiter *access.Limiter
	// Sessions tells who is signed in to the desk (desk.go); without it every desk page
	// sends to the sign-in page.
	Sessions Sessions
	// Desk is what the desk's sign-in and agent pages ask of the application, and
	// SessionStore keeps their sessions; with both (and no Sessions given) the desk's
	// sessions are the store's (desk_session.go).
	Desk         Desk
	SessionStore auth.Sessions
	// SignInAccountLimiter and SignInClientLimiter throttle failed sign-ins per account
	// and per client address.
	SignInAccountLimiter, SignInClientLimiter *access.Limiter
	// SecureCookies marks the session cookie Secure even on plain HTTP: ticketd behind a
	// proxy that ends TLS (the builder sets it when --public-url is https://).
	SecureCookies bool
	// Pseudonyms name the client who opens a ticket (opener): the API's own, so the event
	// log tells no difference between the two doors; nil derives them from a key of this
	// process's own.
	Pseudonyms ClientPseudonyms
	// Proxies are the peers trusted to tell the client's address (--trusted-proxies); the
	// zero value trusts none. Every client key of the pages is s.clientAddr(r).
	Proxies access.Proxies
	// The managers' desk pages (desk_supervisor.go, desk_analyst.go, desk_auditor.go):
	// each page is served only when its ports are given.
	ManagerReads ManagerReads
	SLAWatch     SLAWatch
	Assigner     Assigner
	History      History
	HotIssues    HotIssueReads // desk_hot.go
	// StaffAdmin is the admin's staff accounts page (desk_admin.go); not served without it.
	StaffAdmin StaffAdmin
	// Knowledge serves the knowledge base's pages and sections (help_articles.go,
	// desk_articles.go); none without it.
	Knowledge Knowledge
	Logger    *slog.Logger
}

// ClientPseudonyms turns a client address into the pseudonym a self-service request acts
// as: auth.Secrets.ClientPseudonym, keyed with the server key.
type ClientPseudonyms interface {
	ClientPseudonym(addr string) string
}

// Server serves the pages.
type Server struct {
	Options
	cats    map[string]catalogue
	pages   map[string]map[string]*template.Template // by language, then name: the catalogue baked in
	handler http.Handler
	// rowCache holds the queue pages' rendered rows (desk_queue_rows.go).
	rowCache rowCache
	// queueCache holds the queue pages' rows and pages while they stand (desk_queue_cache.go).
	queueCache queueCache
	// buildDigest is a digest of the templates and catalogues, in pages' ETags.
	buildDigest string
	// renders counts the pages rendered (the tests count the work of a poll).
	renders atomic.Int64
}

//go:embed templates/*.html
var templateFiles embed.FS

// New builds the pages; it refuses Options missing a required field and catalogues or
// templates that do not load.
func New(o Options) (*Server, error) {
	if o.Customers == nil || o.Tickets == nil {
		return nil, fmt.Errorf("%w: web.Options.Customers and Tickets are required", application.ErrConfig)
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
	if o.SignInAccountLimiter == nil {
		o.SignInAccountLimiter = access.NewLimiter(10, 15*time.Minute)
	}
	if o.SignInClientLimiter == nil {
		o.SignInClientLimiter = access.NewLimiter(30, 15*time.Minute)
	}
	if o.Sessions == nil && o.Desk != nil && o.SessionStore != nil {
		o.Sessions = deskSessions{store: o.SessionStore, desk: o.Desk}
	}
	if o.UploadLimiter == nil {
		o.UploadLimiter = access.NewLimiter(20, time.Minute)
	}
	if o.VoteLimiter == nil {
		o.VoteLimiter = access.NewVoteLimiter()
	}
	if o.Pseudonyms == nil {
		o.Pseudonyms = auth.EphemeralSecrets()
	}
	s := &Server{Options: o}
	var err error
	if s.cats, err = loadCatalogues(); err != nil {
		return nil, err
	}
	if s.buildDigest, err = digestOf(templateFiles, catalogueFiles); err != nil {
		return nil, err
	}
	if s.pages, err = parsePages(s.cats); err != nil {
		return nil, err
	}
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, http.StatusForbidden, "error.cross_site")
	}))
	s.handler = cop.Handler(s.routes())
	return s, nil
}

// Owns reports whether a path is the pages' (the builder sends the rest to the API).
func Owns(path string) bool {
	return path == "/" || path == "/help" || strings.HasPrefix(path, "/help/") ||
		path == "/desk" || strings.HasPrefix(path, "/desk/")
}

// ServeHTTP implements http.Handler: every answer carries the security headers.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", ContentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	// Pages of a ticket hold its access code in their URL: no page sends a Referer.
	h.Set("Referrer-Policy", "no-referrer")
	s.handler.ServeHTTP(w, r)
}

// ContentSecurityPolicy allows scripts, styles and requests from the server itself only:
// no inline script or style, no framing, forms posting only here.
const ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// routes is the page table (docs/PAGES.md lists it).
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", redirect("/help"))
	mux.HandleFunc("GET /help/{$}", redirect("/help"))
	mux.HandleFunc("GET /help", s.home)
	mux.Handle("GET /help/assets/", assetHandler())
	mux.HandleFunc("POST /help/lang", s.switchLanguage)
	mux.HandleFunc("POST /help/tickets", s.open)
	mux.HandleFunc("GET /help/tickets", s.lookup)
	mux.HandleFunc("GET /help/tickets/{number}", s.ticket)
	mux.HandleFunc("POST /help/tickets/{number}/replies", s.reply)
	mux.HandleFunc("POST /help/tickets/{number}/rating", s.rate)
	mux.HandleFunc("GET /help/tickets/{number}/attachments/{id}", s.download)
	mux.HandleFunc("GET /help/tickets/{number}/confirm", s.confirmPage)
	mux.HandleFunc("POST /help/tickets/{number}/confirm", s.confirm)
	s.managerDeskRoutes(mux)
	s.agentDeskRoutes(mux)
	s.adminDeskRoutes(mux)
	s.knowledgeRoutes(mux)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, pattern := mux.Handler(r); pattern == "" {
			s.fail(w, r, http.StatusNotFound, "error.not_found")
			return
		}
		mux.ServeHTTP(w, r)
	})
}

func redirect(to string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, to, http.StatusSeeOther) }
}

// parsePages parses each page with the layout, once at start, once per language: the
// constant messages baked in (bake.go). By language, then page.
func parsePages(cats map[string]catalogue) (map[string]map[string]*template.Template, error) {
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, err
	}
	out := map[string]map[string]*template.Template{}
	for lang, c := range cats {
		pages := map[string]*template.Template{}
		for _, n := range names {
			name := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
			if name == "layout" || name == deskLayout {
				continue
			}
			files := []string{"templates/layout.html", n}
			if strings.HasPrefix(name, "desk_") { // the desk's layout replaces the help center's
				files = []string{"templates/layout.html", "templates/" + deskLayout + ".html", n}
			}
			if pages[name], err = parseBaked(name, files, c); err != nil {
				return nil, err
			}
		}
		out[lang] = pages
	}
	return out, nil
}

// parseBaked parses files into one template set as ParseFS would (each file a template
// named by its base name), with catalogue c baked in.
func parseBaked(name string, files []string, c catalogue) (*template.Template, error) {
	root := template.New(name).Funcs(funcs)
	for _, f := range files {
		src, err := fs.ReadFile(templateFiles, f)
		if err != nil {
			return nil, err
		}
		if _, err := root.New(path.Base(f)).Parse(bake(string(src), c)); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
	}
	return root, nil
}

// clientAddr is the request's client key for the limiters and pseudonyms: the peer, or
// what a trusted proxy says the client was (access.Proxies). Every page that keys on the
// client uses it (sign-in throttling too), so all agree behind a load balancer.
func (s *Server) clientAddr(r *http.Request) string { return s.Proxies.ClientAddr(r) }
