package httpapi

import (
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/query"
	"github.com/ticketengine/ticketengine/projections"
)

// searchWindow is how many hits GET /tickets?q= ranks at most: the pages walk this list,
// best first, keeping the tickets that pass the other filters.
const searchWindow = 200

// SearchItem is a ticket found by GET /tickets?q=: the ticket as GET /tickets/{id} shows
// it, and the best matching passage of its messages, the words found in <mark>.
type SearchItem struct {
	query.TicketView
	Snippet string `json:"snippet"`
}

// searchTickets is GET /tickets with q: the search index ranks the tickets (internal
// notes searched too: every caller is staff), each hit is read as GET /tickets/{id}
// shows it (folded from its stream, so always current) and kept when it passes the other
// filters. The cursor is the position in the ranked hits where the next page starts.
func (s *Server) searchTickets(w http.ResponseWriter, r *http.Request, f projections.TicketFilter, q string, limit int) {
	from, err := searchCursor(r.URL.Query().Get("cursor"))
	var hits []projections.SearchHit
	if err == nil {
		hits, err = s.ReadSide.SearchTickets(r.Context(), q, true, searchWindow)
	}
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	items, now := []SearchItem{}, s.Clock.Now()
	var page listPage
	for i := min(from, len(hits)); i < len(hits); i++ {
		if len(items) == limit {
			page.Next = base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(i)))
			break
		}
		id, err := uuid.Parse(hits[i].TicketID)
		if err != nil {
			continue // not a ticket id: nothing to show
		}
		t, err := query.GetTicket(r.Context(), s.Store, id, time.Time{})
		if errors.Is(err, application.ErrNotFound) {
			continue // indexed, yet not in this store: nothing to show
		}
		if err != nil {
			s.writeProblem(w, r, err)
			return
		}
		if !projections.MatchesTicket(&t, f) {
			continue
		}
		items = append(items, SearchItem{TicketView: query.NewTicketView(t, now), Snippet: hits[i].Snippet})
	}
	page.Items = items
	writeJSON(w, http.StatusOK, page)
}

// searchCursor reads the position a search page starts at; "" is the first page.
func searchCursor(raw string) (int, error) {
	if raw == "" {
		return 0, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(raw)
	n, convErr := strconv.Atoi(string(b))
	if err != nil || convErr != nil || n < 0 {
		return 0, fieldError("cursor", "is not a cursor this server gave")
	}
	return n, nil
}
