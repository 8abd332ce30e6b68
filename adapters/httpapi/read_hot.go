package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/gorilla/mux"

	"github.com/ticketengine/ticketengine/application/access"
	"github.com/ticketengine/ticketengine/projections"
)

// HotReader is the hot-issue report (*projections.Service implements it).
type HotReader interface {
	HotReport(ctx context.Context, from, to time.Time) (projections.HotReport, error)
}

// DefaultHotWindow is the hot report's period when from is not given: the 7 days before to.
const DefaultHotWindow = 7 * 24 * time.Hour

// hotRoutes registers GET /reports/hot when the read side gives the report.
func (s *Server) hotRoutes(r *mux.Router) {
	if hr, ok := s.ReadSide.(HotReader); ok {
		s.staffRoute(r, http.MethodGet, "/reports/hot", "", access.HotIssues, func(w http.ResponseWriter, r *http.Request) {
			s.getHot(w, r, hr)
		})
	}
}

// getHot is GET /reports/hot?from=&to=: the spikes whose window started in [from, to),
// and the most frequent terms and categories of the tickets received then. to defaults
// to now, from to 7 days before to.
func (s *Server) getHot(w http.ResponseWriter, r *http.Request, hr HotReader) {
	to, err := timeParam(r, "to", s.Clock.Now())
	var from time.Time
	if err == nil {
		from, err = timeParam(r, "from", to.Add(-DefaultHotWindow))
	}
	if err == nil && !from.Before(to) {
		err = fieldError("from", "must be before to")
	}
	var rep projections.HotReport
	if err == nil {
		rep, err = hr.HotReport(r.Context(), from, to)
	}
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, rep)
}
