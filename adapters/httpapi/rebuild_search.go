package httpapi

import (
	"net/http"

	"github.com/ticketengine/ticketengine/projections"
)

// postRebuildSearch is POST /admin/rebuild/search: the search index rebuilt from the
// event store in this process (docs/SEARCH.md); 404 when search is off.
func (s *Server) postRebuildSearch(w http.ResponseWriter, r *http.Request) {
	st, err := s.ReadSide.Rebuild(r.Context(), projections.SearchName)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	s.log.InfoContext(r.Context(), "search index rebuilt", "events", st.Events, "seconds", st.Seconds)
	writeJSON(w, http.StatusOK, st)
}
