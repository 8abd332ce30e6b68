package httpapi

import (
	"context"
	"net/http"
	"time"
)

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// readyz checks the stores and the projections' lag through the Ready hook. Events a
// projection skipped (recorded as failed) do not make it unready, since it serves and
// goes on: the body names how many each projection has, under "projection_failures".
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if s.Ready != nil {
		if err := s.Ready(ctx); err != nil {
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "not ready", "reason": err.Error()})
			return
		}
	}
	body := map[string]any{"status": "ready"}
	if fs := s.readyFailures(ctx); fs != nil {
		body["projection_failures"] = fs
	}
	writeJSON(w, http.StatusOK, body)
}
