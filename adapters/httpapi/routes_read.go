package httpapi

import (
	"context"
	"net/http"

	"github.com/google/uuid"
	"github.com/gorilla/mux"

	"github.com/ticketengine/ticketengine/application/access"
	"github.com/ticketengine/ticketengine/application/query"
	"github.com/ticketengine/ticketengine/projections"
)

// ReadSide is what the projection-backed reads need: *projections.Service implements it.
type ReadSide interface {
	// SearchTickets is full-text search (docs/SEARCH.md); internal includes notes (staff).
	SearchTickets(ctx context.Context, q string, internal bool, limit int) ([]projections.SearchHit, error)
	Queue(ctx context.Context, f projections.QueueFilter, limit int, cursor string) ([]query.TicketView, string, error)
	KPI(ctx context.Context, q projections.KPIQuery) ([]projections.KPIRow, error)
	Portal(ctx context.Context, id uuid.UUID, minVersion int64) (projections.PortalView, error)
	Agents(ctx context.Context) ([]projections.AgentView, error)
	Agent(ctx context.Context, id uuid.UUID, minVersion int64) (projections.AgentView, error)
	Rebuild(ctx context.Context, name string) (projections.RebuildStats, error)
	Lag(ctx context.Context) ([]projections.Lag, error)
	Tickets(ctx context.Context, f projections.TicketFilter, limit int, cursor string) ([]query.TicketView, string, error)
	Messages(ctx context.Context, id uuid.UUID, minVersion int64, limit int, cursor string) ([]projections.MessageView, string, error)
}

var _ ReadSide = (*projections.Service)(nil)

// readRoutes registers the projection-backed reads, the portal's read and the admin's
// rebuild; without a ReadSide there are none (they answer 404).
func (s *Server) readRoutes(r *mux.Router) {
	if s.ReadSide == nil {
		return
	}
	s.staffRoute(r, http.MethodGet, "/queues", "", access.Queues, s.getQueue)
	s.staffRoute(r, http.MethodGet, "/reports/kpi", "", access.KPI, s.getKPI)
	s.hotRoutes(r)
	s.staffRoute(r, http.MethodGet, "/agents", "", access.ListAgents, s.getAgents)
	s.staffRoute(r, http.MethodGet, "/agents/{id}", "", access.GetAgent, s.getAgent)
	s.staffRoute(r, http.MethodGet, "/shifts", "", access.ListShifts, s.getShifts)
	s.staffRoute(r, http.MethodGet, "/tickets", "", access.ListTickets, s.getTickets)
	s.staffRoute(r, http.MethodGet, "/tickets/{id}/messages", "", access.TicketMessages, s.getMessages)
	s.portalRoute(r, http.MethodGet, "/portal/tickets/{number}", "", access.PortalView, s.getPortalTicket)
	s.staffRoute(r, http.MethodPost, "/admin/rebuild/{name}", "rebuild", access.Rebuild, s.postRebuild)
	s.customerRoutes(r)
	s.staffReadRoutes(r)
	if s.Registry != nil {
		s.Registry.MustRegister(newLagCollector(s.ReadSide, s.log))
		if fr, ok := s.ReadSide.(failureReader); ok {
			s.Registry.MustRegister(newFailureCollector(fr, s.log))
		}
	}
}
