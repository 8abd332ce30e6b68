package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/google/uuid"
	"github.com/gorilla/mux"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/projections"
)

// ReadSide is what the projection-backed reads need: *projections.Service implements it.
type ReadSide interface {
	Queue(ctx context.Context, f projections.QueueFilter, limit int, cursor string) ([]application.TicketView, string, error)
	KPI(ctx context.Context, from, to time.Time, groupBy string) ([]projections.KPIRow, error)
	Portal(ctx context.Context, id uuid.UUID, minVersion int64) (projections.PortalView, error)
	Agents(ctx context.Context) ([]projections.AgentView, error)
	Agent(ctx context.Context, id uuid.UUID, minVersion int64) (projections.AgentView, error)
	Rebuild(ctx context.Context, name string) (projections.RebuildStats, error)
	Lag(ctx context.Context) ([]projections.Lag, error)
}

var _ ReadSide = (*projections.Service)(nil)

// readRoutes registers the projection-backed reads, the portal's read and the admin's
// rebuild; without a ReadSide there are none (they answer 404).
func (s *Server) readRoutes(r *mux.Router) {
	if s.ReadSide == nil {
		return
	}
	read := func(path string, roles []application.Role, h http.HandlerFunc) {
		r.Handle(path, s.instrument(path, "", s.authed(roles, h))).Methods(http.MethodGet)
	}
	read("/queues", staffRoles, s.getQueue)
	read("/reports/kpi", analystRoles, s.getKPI)
	read("/agents", staffRoles, s.getAgents)
	read("/agents/{id}", staffRoles, s.getAgent)
	r.Handle("/portal/tickets/{number}", s.instrument("/portal/tickets/{number}", "", http.HandlerFunc(s.getPortalTicket))).Methods(http.MethodGet)
	r.Handle("/admin/rebuild/{name}", s.instrument("/admin/rebuild/{name}", "rebuild", s.authed(adminRoles, s.postRebuild))).Methods(http.MethodPost)
	if s.Registry != nil {
		s.Registry.MustRegister(newLagCollector(s.ReadSide, s.log))
		if fr, ok := s.ReadSide.(failureReader); ok {
			s.Registry.MustRegister(newFailureCollector(fr, s.log))
		}
	}
}
