package httpapi

import "github.com/gorilla/mux"

// ReadSide is what the projection-backed reads need. It is filled in by the read side
// (queues, KPI reports, portal view, agents); until then no read routes are registered.
type ReadSide interface{}

// readRoutes registers the projection-backed reads.
func (s *Server) readRoutes(r *mux.Router) {}
