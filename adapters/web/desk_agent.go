package web

import (
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/query"
	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections"
)

// deskLayout is the desk's layout (templates/desk_layout.html): every desk_* page uses it.
const deskLayout = "desk_layout"

// agentRoles may work tickets on the desk: agents, and supervisors and admins who help.
var agentRoles = []string{"agent", "supervisor", "admin"}

// staffRoles are every role of the staff: GET /desk sends each to its first page.
var staffRoles = []string{"agent", "supervisor", "admin", "analyst", "auditor"}

// agentDeskRoutes are the sign-in, the sessions and the agent's pages (docs/PAGES.md).
func (s *Server) agentDeskRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /desk/signin", s.signInPage)
	mux.HandleFunc("POST /desk/signin", s.signIn)
	mux.HandleFunc("POST /desk/signout", s.signOut)
	s.deskRoute(mux, "GET /desk", deskHome, staffRoles...)
	s.deskRoute(mux, "GET /desk/{$}", deskHome, staffRoles...)
	s.deskRoute(mux, "GET /desk/queue", s.myQueue, agentRoles...)
	s.deskRoute(mux, "GET /desk/team", s.teamQueue, agentRoles...)
	s.deskRoute(mux, "GET /desk/search", s.search, agentRoles...)
	s.deskRoute(mux, "GET /desk/tickets/{id}", s.deskTicket, agentRoles...)
	s.deskRoute(mux, "POST /desk/tickets/{id}/{action}", s.deskAct, agentRoles...)
	s.deskRoute(mux, "GET /desk/attachments/{id}", s.deskFile, agentRoles...)
	s.deskRoute(mux, "POST /desk/presence", s.presence, "agent")
}

// deskHome is GET /desk: each role's first page (where sign-in lands by default).
func deskHome(w http.ResponseWriter, r *http.Request) {
	u, _ := DeskUserOf(r.Context())
	to := "/desk/queue"
	switch u.Role {
	case "analyst":
		to = "/desk/analyst"
	case "auditor":
		to = "/desk/audit"
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// deskQueue is a list page's data: my queue, the team's, or search results.
type deskQueue struct {
	Tab  string // queue, team, search
	Q    string
	Rows template.HTML // the rows, each rendered by "queue_row" (desk_queue_rows.go)
	// Next is the link to the next page ("" on the last), First to the first; Paged is
	// whether this page is not the first (a queue's pages, as the API's lists: ?cursor=).
	Next, First string
	Paged       bool
	// PollHeaders makes the page's poll conditional on its ETag (desk_queue_etag.go).
	PollHeaders string
}

// deskRow is a ticket in a list.
type deskRow struct {
	ID                                                     uuid.UUID
	Number, Subject, Status, Priority, Team, Assignee, Due string
	Breached                                               bool
}

func deskRows(ts []query.TicketView) []deskRow {
	out := make([]deskRow, 0, len(ts))
	for _, t := range ts {
		r := deskRow{ID: t.ID, Number: t.Number, Subject: t.Subject, Status: string(t.Status), Priority: string(t.Priority),
			Team: t.Team, Due: when(time.Time(t.SLA.ResolutionDue)), Breached: t.SLA.ResolutionBreached || t.SLA.FirstResponseBreached}
		if t.AssigneeName != nil {
			r.Assignee = *t.AssigneeName
		}
		out = append(out, r)
	}
	return out
}

// agentPage is the page data of an agent's desk page for the signed-in user.
func (s *Server) agentPage(r *http.Request, title string) *page {
	p := s.newPage(r, title)
	if u, ok := DeskUserOf(r.Context()); ok {
		p.User = &u
	}
	return p
}

// myQueue is GET /desk/queue: the open tickets assigned to me.
func (s *Server) myQueue(w http.ResponseWriter, r *http.Request) {
	u, _ := DeskUserOf(r.Context())
	s.queuePage(w, r, "queue", projections.QueueFilter{Assignee: u.ID})
}

// teamQueue is GET /desk/team: my team's open tickets (every team's for an admin).
func (s *Server) teamQueue(w http.ResponseWriter, r *http.Request) {
	u, _ := DeskUserOf(r.Context())
	s.queuePage(w, r, "team", projections.QueueFilter{Team: u.Team})
}

// queueLimit is the tickets a queue page shows.
const queueLimit = 100

// queuePage is a queue's page: queueLimit tickets from ?cursor= (the cursor of the
// API's lists, opaque; absent: the first page) and the link to the next. The rows, and
// the whole page for the same user, language and rows, are kept while they stand
// (desk_queue_cache.go).
func (s *Server) queuePage(w http.ResponseWriter, r *http.Request, tab string, f projections.QueueFilter) {
	cursor := queryValue(r, "cursor")
	p := s.agentPage(r, "desk."+tab+".title")
	sn, err := s.queueRows(r.Context(), queueKey{filter: f, cursor: cursor, lang: p.Lang, path: r.URL.Path})
	if err != nil {
		s.failWith(w, r, err)
		return
	}
	q := deskQueue{Tab: tab, First: r.URL.Path, Paged: cursor != ""}
	if sn.next != "" {
		q.Next = r.URL.Path + "?cursor=" + url.QueryEscape(sn.next)
	}
	etag := s.queueETag(p, q, sn.digest) // before rendering: an unchanged queue renders nothing
	w.Header().Set("ETag", etag)
	if notModified(r, etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body, ok := sn.pages.get(etag)
	if !ok {
		q.PollHeaders = pollHeaders(etag)
		if q.Rows, err = sn.rows.render(s); err != nil {
			s.failWith(w, r, err)
			return
		}
		p.Desk = q
		if body, err = s.renderPage("desk_queue", p); err != nil {
			s.Logger.ErrorContext(r.Context(), "page did not render", slog.String("page", "desk_queue"), slog.Any("err", err))
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		}
		sn.pages.put(etag, body)
	}
	writePage(w, http.StatusOK, body)
}

// search is GET /desk/search?q=: full text over subjects, messages and notes (Chinese
// words too: the index segments them).
func (s *Server) search(w http.ResponseWriter, r *http.Request) {
	q := queryValue(r, "q")
	var items []query.TicketView
	if q != "" {
		var err error
		if items, err = s.Desk.Search(r.Context(), q, 50); err != nil {
			s.failWith(w, r, err)
			return
		}
	}
	p := s.agentPage(r, "desk.search.title")
	rows, err := s.renderRows(deskRows(items), p.Lang)
	if err != nil {
		s.failWith(w, r, err)
		return
	}
	p.Desk = deskQueue{Tab: "search", Q: q, Rows: rows}
	s.render(w, r, http.StatusOK, "desk_queue", p)
}

// presence is POST /desk/presence (online = true or false).
func (s *Server) presence(w http.ResponseWriter, r *http.Request) {
	f, err := s.readDeskForm(w, r, maxForm)
	if err == nil {
		u, _ := DeskUserOf(r.Context())
		err = s.Desk.SetPresence(r.Context(), u, f.values["online"] == "true", meta(principalOf(u)))
	}
	if err != nil {
		s.failWith(w, r, err)
		return
	}
	http.Redirect(w, r, deskNext(f.values["next"]), http.StatusSeeOther)
}

func deskTicketURL(id uuid.UUID) string { return "/desk/tickets/" + url.PathEscape(id.String()) }

// statusOpen: the statuses in which a ticket is still worked.
func statusOpen(s domain.Status) bool {
	return s != domain.StatusResolved && s != domain.StatusClosed
}
