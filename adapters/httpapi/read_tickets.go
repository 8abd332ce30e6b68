package httpapi

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections"
)

// ticketFilter reads GET /tickets' query; a value that cannot match anything (an unknown
// status, priority or channel, an assignee that is not an id) is a 422. `q` (full-text
// search) is read by getTickets, `customer` by customerParam.
func ticketFilter(r *http.Request) (projections.TicketFilter, error) {
	q := r.URL.Query()
	f := projections.TicketFilter{Status: domain.Status(q.Get("status")),
		Team: q.Get("team"), Category: q.Get("category"), Priority: domain.Priority(q.Get("priority")),
		Channel: domain.Channel(q.Get("channel"))}
	if f.Status != "" && !slices.Contains(domain.Statuses(), f.Status) {
		return f, fieldError("status", "must be one of received, classified, assigned, escalated, waiting, resolved, closed")
	}
	if f.Priority != "" && !f.Priority.Valid() {
		return f, fieldError("priority", "must be one of P1, P2, P3, P4")
	}
	if f.Channel != "" && !f.Channel.Valid() {
		return f, fieldError("channel", "must be one of email, web, chat, phone, api")
	}
	var err error
	if f.Assignee, err = assigneeParam(q); err != nil {
		return f, err
	}
	if f.Tag, err = tagParam(r); err != nil {
		return f, err
	}
	if f.From, err = timeParam(r, "from", time.Time{}); err != nil {
		return f, err
	}
	f.To, err = timeParam(r, "to", time.Time{})
	return f, err
}

// getTickets is GET /tickets: every ticket, open or not, newest first; with q, the
// tickets the search finds, best first (read_search.go).
func (s *Server) getTickets(w http.ResponseWriter, r *http.Request) {
	f, err := ticketFilter(r)
	known := true
	if err == nil {
		f.Customer, known, err = s.customerParam(r)
	}
	var limit int
	if err == nil {
		limit, err = limitParam(r)
	}
	if err == nil && !known { // a customer no record has: no ticket is theirs
		writeJSON(w, http.StatusOK, listPage{Items: []any{}})
		return
	}
	if q := r.URL.Query().Get("q"); err == nil && q != "" {
		s.searchTickets(w, r, f, q, limit)
		return
	}
	var page listPage
	if err == nil {
		page.Items, page.Next, err = s.ReadSide.Tickets(r.Context(), f, limit, r.URL.Query().Get("cursor"))
	}
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, page)
}

// customerParam reads GET /tickets' customer: a customer record's id, or an external id
// resolved to its record as GET /customers/{id} resolves it, so every external id of a
// record finds all of its tickets. known is false when it names no record (a nil id, an
// external id nobody gave, or no customer read side to resolve with).
func (s *Server) customerParam(r *http.Request) (id uuid.UUID, known bool, err error) {
	ref := r.URL.Query().Get("customer")
	if ref == "" {
		return uuid.Nil, true, nil
	}
	if id, err := uuid.Parse(ref); err == nil {
		return id, id != uuid.Nil, nil
	}
	c, ok := s.ReadSide.(CustomerReads)
	if !ok {
		return uuid.Nil, false, nil
	}
	id, err = c.ResolveCustomer(r.Context(), ref)
	if errors.Is(err, application.ErrNotFound) {
		return uuid.Nil, false, nil
	}
	return id, err == nil, err
}

// getMessages is GET /tickets/{id}/messages: the conversation, internal notes included.
func (s *Server) getMessages(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	var v int64
	if err == nil {
		v, err = minVersion(r)
	}
	var limit int
	if err == nil {
		limit, err = limitParam(r)
	}
	var page listPage
	if err == nil {
		page.Items, page.Next, err = s.ReadSide.Messages(r.Context(), id, v, limit, r.URL.Query().Get("cursor"))
	}
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, page)
}

// assigneeParam reads a filter's assignee: an agent id, uuid.Nil when absent.
func assigneeParam(q url.Values) (uuid.UUID, error) {
	a := q.Get("assignee")
	if a == "" {
		return uuid.Nil, nil
	}
	id, err := uuid.Parse(a)
	if err != nil {
		return uuid.Nil, fieldError("assignee", "must be an agent id")
	}
	return id, nil
}
