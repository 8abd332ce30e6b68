package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/ticketengine/ticketengine/projections"
)

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// readyz checks the stores and the projections' lag through the Ready hook. Events a
// projection skipped (recorded as failed) do not make it unready, since it serves and
// goes on: the body names how many each projection has, under "projection_failures".
// Shared read models that another node projects and that are behind do not make it
// unready either (every node would fail at once, projections.ReadyRule): the body lists
// them under "shared_lag", a warning.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	var stale []projections.Lag
	if s.Ready != nil {
		var err error
		if stale, err = s.Ready(ctx); err != nil {
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "not ready", "reason": err.Error()})
			return
		}
	}
	body := map[string]any{"status": "ready"}
	if fs := s.readyFailures(ctx); fs != nil {
		body["projection_failures"] = fs
	}
	if len(stale) > 0 {
		body["shared_lag"] = stale
	}
	writeJSON(w, http.StatusOK, body)
}
