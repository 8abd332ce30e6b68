package web

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/ticketengine/ticketengine/application/access"
	"github.com/ticketengine/ticketengine/projections"
)

// HotIssueReads is the read side of the supervisors' hot-issue page (projections.Service
// implements it): the spikes of a period and the tickets behind each.
type HotIssueReads interface {
	Spikes(ctx context.Context, from, to time.Time) ([]projections.HotSpike, error)
	SpikeTickets(ctx context.Context, sp projections.HotSpike) ([]projections.HotTicket, error)
}

// hotPeriod is how far back the page lists spikes.
const hotPeriod = 7 * 24 * time.Hour

// hotTicketsShown bounds the tickets listed under one spike.
const hotTicketsShown = 20

// hotSpikeView is a spike on the page, with the tickets of its series in its window.
type hotSpikeView struct {
	Series, WindowStart, Baseline string
	Count                         int
	Tickets                       []projections.HotTicket
	More                          int
}

// hotDeskRoutes registers GET /desk/supervisor/hot when the builder gives its port.
func (s *Server) hotDeskRoutes(mux *http.ServeMux) {
	if s.HotIssues != nil {
		s.deskRoute(mux, "GET /desk/supervisor/hot", s.hotIssues, rolesOf(access.HotIssues)...)
	}
}

// hotIssues is GET /desk/supervisor/hot: the spikes of the last week, the latest first,
// each with the tickets behind it (its series' tickets received in its window, now).
func (s *Server) hotIssues(w http.ResponseWriter, r *http.Request) {
	now := time.Now()
	spikes, err := s.HotIssues.Spikes(r.Context(), now.Add(-hotPeriod), now.Add(time.Minute))
	if err != nil {
		s.failWith(w, r, err)
		return
	}
	views := make([]hotSpikeView, 0, len(spikes))
	for _, sp := range spikes {
		ts, err := s.HotIssues.SpikeTickets(r.Context(), sp)
		if err != nil {
			s.failWith(w, r, err)
			return
		}
		v := hotSpikeView{Series: sp.Series, WindowStart: sp.WindowStart.UTC().Format("2006-01-02 15:04 UTC"),
			Baseline: strconv.FormatFloat(sp.Baseline, 'f', -1, 64), Count: sp.Count}
		v.Tickets, v.More = ts[:min(len(ts), hotTicketsShown)], max(len(ts)-hotTicketsShown, 0)
		views = append(views, v)
	}
	s.renderDesk(w, r, http.StatusOK, "desk_supervisor_hot", "hot.title", map[string]any{"Spikes": views})
}
