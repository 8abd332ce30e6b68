package httpapi

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/gorilla/mux"

	"github.com/ticketengine/ticketengine/application/query"
	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections"
)

// listPage is the shape of every list: items and, unless this is the last page, next.
type listPage struct {
	Items any    `json:"items"`
	Next  string `json:"next,omitempty"`
}

// queueFilter reads GET /queues' query; a value that cannot match anything is a 422.
func queueFilter(r *http.Request) (projections.QueueFilter, error) {
	q := r.URL.Query()
	f := projections.QueueFilter{Status: domain.Status(q.Get("status")), Team: q.Get("team"),
		Priority: domain.Priority(q.Get("priority")), Category: q.Get("category")}
	if f.Status != "" && !f.Status.Open() {
		return f, fieldError("status", "must be an open status: received, classified, assigned, escalated, waiting")
	}
	if f.Priority != "" && !f.Priority.Valid() {
		return f, fieldError("priority", "must be one of P1, P2, P3, P4")
	}
	var err error
	if f.Assignee, err = assigneeParam(q); err != nil {
		return f, err
	}
	if f.Tag, err = tagParam(r); err != nil {
		return f, err
	}
	if b := q.Get("breached"); b != "" {
		v, err := strconv.ParseBool(b)
		if err != nil {
			return f, fieldError("breached", "must be true or false")
		}
		f.Breached = &v
	}
	return f, nil
}

// limitParam reads ?limit= (default 50, at most 500).
func limitParam(r *http.Request) (int, error) {
	raw := r.URL.Query().Get("limit")
	if raw == "" {
		return projections.DefaultLimit, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 {
		return 0, fieldError("limit", "must be a positive integer (at most 500)")
	}
	return projections.ClampLimit(n), nil
}

// minVersion reads ?min_version= (-1 when absent).
func minVersion(r *http.Request) (int64, error) {
	raw := r.URL.Query().Get("min_version")
	if raw == "" {
		return -1, nil
	}
	v, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || v < 0 {
		return 0, fieldError("min_version", "must be a version (an integer ≥ 0)")
	}
	return v, nil
}

func (s *Server) getQueue(w http.ResponseWriter, r *http.Request) {
	f, err := queueFilter(r)
	var limit int
	if err == nil {
		limit, err = limitParam(r)
	}
	var items []query.TicketView
	var next string
	if err == nil {
		items, next, err = s.ReadSide.Queue(r.Context(), f, limit, r.URL.Query().Get("cursor"))
	}
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, listPage{Items: items, Next: next})
}

func (s *Server) getAgents(w http.ResponseWriter, r *http.Request) {
	limit, err := limitParam(r)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	offset := 0
	if c := r.URL.Query().Get("cursor"); c != "" {
		b, err := base64.RawURLEncoding.DecodeString(c)
		if offset, err = strconv.Atoi(string(b)); err != nil || offset < 0 {
			s.writeProblem(w, r, fmt.Errorf("%w: cursor is not one this server gave", domain.ErrInvalid))
			return
		}
	}
	agents, err := s.ReadSide.Agents(r.Context())
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	page := listPage{Items: agents[min(offset, len(agents)):min(offset+limit, len(agents))]}
	if offset+limit < len(agents) {
		page.Next = base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(offset + limit)))
	}
	writeJSON(w, http.StatusOK, page)
}

func (s *Server) getAgent(w http.ResponseWriter, r *http.Request) {
	id, err := uuid.Parse(mux.Vars(r)["id"])
	if err != nil {
		s.writeProblem(w, r, fmt.Errorf("%w: %q is not an agent id", domain.ErrNotFound, mux.Vars(r)["id"]))
		return
	}
	v, err := minVersion(r)
	var a projections.AgentView
	if err == nil {
		a, err = s.ReadSide.Agent(r.Context(), id, v)
	}
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	w.Header().Set("ETag", strconv.Quote(strconv.FormatInt(a.Version, 10)))
	writeJSON(w, http.StatusOK, a)
}

// getPortalTicket is the customer's read: the number and access code are checked against
// the event store (constant time; a wrong code and an unknown number are the same 404,
// and count as failed look-ups for the address's limit), then the portal projection
// answers. Without ?min_version it still waits for the ticket's first event, so a ticket
// just created is found.
func (s *Server) getPortalTicket(w http.ResponseWriter, r *http.Request) {
	v, err := minVersion(r)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	id, err := s.portalTicket(r)
	var view projections.PortalView
	if err == nil {
		view, err = s.ReadSide.Portal(r.Context(), id, max(v, 0))
	}
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("ETag", strconv.Quote(strconv.FormatInt(view.Version, 10)))
	writeJSON(w, http.StatusOK, view)
}

func (s *Server) postRebuild(w http.ResponseWriter, r *http.Request) {
	if mux.Vars(r)["name"] == projections.SearchName {
		s.postRebuildSearch(w, r) // the search index: not a read model of the catalogue
		return
	}
	name := mux.Vars(r)["name"]
	if !projections.Known(name) && name != projections.All {
		s.writeProblem(w, r, fmt.Errorf("%w: no read model is named %q (%s, all)", domain.ErrNotFound, name, strings.Join(projections.Names(), ", ")))
		return
	}
	st, err := s.ReadSide.Rebuild(r.Context(), name)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	s.log.InfoContext(r.Context(), "read model rebuilt", "projection", name, "events", st.Events, "seconds", st.Seconds)
	writeJSON(w, http.StatusOK, st)
}

// timeParam reads an RFC 3339 time or a date (YYYY-MM-DD, midnight UTC), or gives def
// when absent.
func timeParam(r *http.Request, name string, def time.Time) (time.Time, error) {
	raw := r.URL.Query().Get(name)
	if raw == "" {
		return def, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, raw); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.DateOnly, raw); err == nil {
		return t, nil
	}
	return time.Time{}, fieldError(name, "must be an RFC 3339 time or a date (YYYY-MM-DD)")
}
