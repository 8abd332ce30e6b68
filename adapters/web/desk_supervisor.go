package web

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/access"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/query"
	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/domain/errs"
	"github.com/ticketengine/ticketengine/projections"
)

// The managers' desk pages: the supervisor's SLA watch, agent load and lifecycle board,
// the analyst's KPI dashboard (desk_analyst.go) and the auditor's history
// (desk_auditor.go). Each is registered only when the builder gives its port.

// ManagerReads is the read side of the supervisor's and analyst's pages
// (projections.Service implements it).
type ManagerReads interface {
	Agents(ctx context.Context) ([]projections.AgentView, error)
	Tickets(ctx context.Context, f projections.TicketFilter, limit int, cursor string) ([]query.TicketView, string, error)
	KPI(ctx context.Context, q projections.KPIQuery) ([]projections.KPIRow, error)
}

// SLAWatch reads open tickets with their clocks as they stand now: the SLA watch needs
// which clock still runs, which a ticket's view does not say.
type SLAWatch interface {
	// Urgent is one page of the open tickets matching f in f's order (the watch asks
	// f.ByDue: the nearest running due time first), whether more follow, and the read
	// side's clock. The read model keeps them in that order: a page reads its own rows.
	Urgent(ctx context.Context, f projections.QueueFilter, offset, limit int) (tickets []domain.TicketState, more bool, now time.Time, err error)
	// OpenTicket is one ticket as it stands now; false when it is not open.
	OpenTicket(ctx context.Context, id uuid.UUID) (ticket domain.TicketState, open bool, now time.Time, err error)
}

// Assigner is the reassignment of the agent load page: the assign command at the version
// the supervisor saw (If-Match).
type Assigner interface {
	Assign(ctx context.Context, ticket, agent uuid.UUID, meta command.CommandMeta) (command.TicketResult, error)
}

// CommandAssigner is Assigner on the application's commands.
type CommandAssigner struct{ Commands *command.Commands }

// Assign implements Assigner.
func (c CommandAssigner) Assign(ctx context.Context, ticket, agent uuid.UUID, meta command.CommandMeta) (command.TicketResult, error) {
	return c.Commands.Assign.Handle(ctx, command.AssignTicket{TicketID: ticket, AgentID: agent}, meta)
}

// rolesOf are the roles the access rules give an action, as the desk guard takes them.
func rolesOf(a access.Action) []string {
	r, _ := access.RuleOf(a)
	out := make([]string, len(r.Roles))
	for i, role := range r.Roles {
		out[i] = string(role)
	}
	return out
}

// supervisorRoles see the supervisor's pages: those who may register agents (managers).
var supervisorRoles = rolesOf(access.RegisterAgent)

// managerDeskRoutes registers the supervisor's, analyst's and auditor's pages whose
// ports the builder gave.
func (s *Server) managerDeskRoutes(mux *http.ServeMux) {
	if s.SLAWatch != nil && s.ManagerReads != nil {
		s.deskRoute(mux, "GET /desk/supervisor", s.slaWatch, supervisorRoles...)
		s.deskRoute(mux, "GET /desk/supervisor/agents", s.agentLoad, supervisorRoles...)
		s.deskRoute(mux, "GET /desk/supervisor/board", s.lifecycleBoard, supervisorRoles...)
	}
	if s.Assigner != nil && s.ManagerReads != nil {
		s.deskRoute(mux, "POST /desk/supervisor/tickets/{id}/assign", s.reassign, rolesOf(access.Assign)...)
	}
	if s.ManagerReads != nil {
		s.deskRoute(mux, "GET /desk/analyst", s.dashboard, rolesOf(access.KPI)...)
		s.deskRoute(mux, "GET /desk/analyst/kpi.csv", s.kpiCSV, rolesOf(access.KPI)...)
	}
	s.hotDeskRoutes(mux)
	s.shiftDeskRoutes(mux)
	if s.History != nil {
		s.deskRoute(mux, "GET /desk/audit", s.auditIndex, rolesOf(access.TicketEvents)...)
		s.deskRoute(mux, "GET /desk/audit/tickets/{id}", s.auditTicket, rolesOf(access.TicketEvents)...)
	}
}

// deskPage is the data of a manager's page: the common page plus its own.
type deskPage struct {
	*page
	User DeskUser
	Data any
}

// renderDesk renders a manager's page like render does (buffered; a template error is a
// clean 500).
func (s *Server) renderDesk(w http.ResponseWriter, r *http.Request, status int, name, title string, data any) {
	u, _ := DeskUserOf(r.Context())
	s.execute(w, r, status, name, &deskPage{page: s.newPage(r, title), User: u, Data: data})
}

// watchRow is a ticket on the SLA watch.
type watchRow struct {
	ID                                        uuid.UUID
	Number, Subject, Priority, Team, Assignee string
	Status                                    domain.Status
	Clock                                     string // "first_response" or "resolution"
	Due                                       string
	Breached                                  bool
	Version                                   int64
	due                                       time.Time
}

// atRiskShare: a running clock with less than this share of its target left is at risk
// (the default policy's warning share, 0.8, seen from the other end).
const atRiskShare = 0.2

// The SLA watch's bounds: it shows at most watchRows breached or at-risk tickets and
// watchRows escalated ones, and looks for them among the watchScan open tickets whose
// running clock is due first, read a page of watchPage at a time (not every open ticket
// every second: docs/PERFORMANCE.md, "The desk's queue page").
const (
	watchRows = 100
	watchPage = 200
	watchScan = 2000
)

// slaWatch is GET /desk/supervisor: breached and at-risk tickets, most urgent (nearest
// due) first, and the escalated tickets; the list refreshes itself every second.
func (s *Server) slaWatch(w http.ResponseWriter, r *http.Request) {
	watch, more, now, err := s.watchList(r.Context())
	if err != nil {
		s.failWith(w, r, err)
		return
	}
	esc, moreEsc, _, err := s.SLAWatch.Urgent(r.Context(), projections.QueueFilter{Status: domain.StatusEscalated, ByDue: true}, 0, watchRows)
	if err != nil {
		s.failWith(w, r, err)
		return
	}
	escalated := make([]watchRow, 0, len(esc))
	for _, t := range esc {
		row, _ := watchOf(t, now)
		escalated = append(escalated, row)
	}
	s.renderDesk(w, r, http.StatusOK, "desk_supervisor", "sla.title", map[string]any{
		"Watch": watch, "Escalated": escalated, "More": more, "MoreEscalated": moreEsc, "At": when(now)})
}

// watchList is the breached and at-risk tickets among the watchScan due first, in that
// order, at most watchRows; more when it stopped before the end of the open tickets.
func (s *Server) watchList(ctx context.Context) (watch []watchRow, more bool, now time.Time, err error) {
	for offset := 0; offset < watchScan; offset += watchPage {
		var page []domain.TicketState
		page, more, now, err = s.SLAWatch.Urgent(ctx, projections.QueueFilter{ByDue: true}, offset, watchPage)
		if err != nil {
			return nil, false, now, err
		}
		for _, t := range page {
			if row, ok := watchOf(t, now); ok {
				if len(watch) == watchRows {
					return watch, true, now, nil
				}
				watch = append(watch, row)
			}
		}
		if !more {
			break
		}
	}
	return watch, more, now, nil
}

// watchOf is the ticket's most urgent running clock; ok when it is breached or at risk.
func watchOf(t domain.TicketState, now time.Time) (watchRow, bool) {
	row := watchRow{ID: t.ID, Number: t.Number, Subject: t.Subject, Priority: string(t.Priority), Team: t.Team,
		Assignee: t.AssigneeName, Status: t.Status, Version: t.Version}
	fr, res := t.Clocks(now)
	ok := false
	for _, c := range []struct {
		name string
		st   domain.ClockStatus
	}{{"first_response", fr}, {"resolution", res}} {
		if !c.st.Running { // met (late or not) or the ticket is done: nothing left to watch
			continue
		}
		target := c.st.Due.Sub(t.CreatedAt)
		risky := c.st.Breached || (t.Status != domain.StatusWaiting && c.st.Due.Sub(now) <= time.Duration(float64(target)*atRiskShare))
		if row.Clock == "" || c.st.Due.Before(row.due) {
			row.Clock, row.due, row.Due, row.Breached = c.name, c.st.Due, when(c.st.Due), c.st.Breached
		}
		ok = ok || risky
	}
	if row.Clock == "" {
		row.Clock, row.due, row.Due = "resolution", res.Due, when(res.Due)
	}
	return row, ok
}

// agentLoad is GET /desk/supervisor/agents[?ticket=ID]: each agent's open tickets
// against capacity and presence; with ?ticket= the form to reassign that ticket.
func (s *Server) agentLoad(w http.ResponseWriter, r *http.Request) {
	s.renderAgentLoad(w, r, http.StatusOK, queryValue(r, "ticket"), "")
}

func (s *Server) renderAgentLoad(w http.ResponseWriter, r *http.Request, status int, ticket, notice string) {
	agents, err := s.ManagerReads.Agents(r.Context())
	if err != nil {
		s.failWith(w, r, err)
		return
	}
	data := map[string]any{"Agents": agents, "Notice": notice}
	if id, perr := uuid.Parse(ticket); perr == nil {
		row, found, err := s.watchedTicket(r.Context(), id)
		if err != nil {
			s.failWith(w, r, err)
			return
		}
		if found {
			data["Ticket"] = row
		}
	}
	s.renderDesk(w, r, status, "desk_supervisor_agents", "load.title", data)
}

// watchedTicket is an open ticket as the SLA watch shows it.
func (s *Server) watchedTicket(ctx context.Context, id uuid.UUID) (watchRow, bool, error) {
	t, open, now, err := s.SLAWatch.OpenTicket(ctx, id)
	if err != nil || !open {
		return watchRow{}, false, err
	}
	row, _ := watchOf(t, now)
	return row, true, nil
}

// reassign is POST /desk/supervisor/tickets/{id}/assign (agent_id, version): the assign
// command with the version the form showed as If-Match; a change in between shows the
// form again with the ticket as it is now.
func (s *Server) reassign(w http.ResponseWriter, r *http.Request) {
	u, _ := DeskUserOf(r.Context())
	id, err := uuid.Parse(r.PathValue("id"))
	if err != nil {
		s.fail(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	f, err := s.readForm(w, r)
	var agent uuid.UUID
	var version int64
	if err == nil {
		if agent, err = uuid.Parse(f.values["agent_id"]); err != nil {
			err = invalid("agent_id", "must be an agent's id")
		}
	}
	if err == nil {
		if version, err = strconv.ParseInt(f.values["version"], 10, 64); err != nil {
			err = invalid("version", "must be the ticket's version")
		}
	}
	if err == nil {
		m := meta(access.Principal{Role: access.Role(u.Role), Subject: u.ID.String()})
		m.ExpectedVersion = &version
		_, err = s.Assigner.Assign(r.Context(), id, agent, m)
	}
	switch {
	case err == nil:
		http.Redirect(w, r, "/desk/supervisor/agents?ticket="+id.String()+"&done=1", http.StatusSeeOther)
	case errs.KindOf(err) == errs.PreconditionFailed || errs.KindOf(err) == errs.Conflict:
		s.renderAgentLoad(w, r, http.StatusConflict, id.String(), "load.changed")
	case errs.KindOf(err) == errs.Validation || errs.KindOf(err) == errs.Malformed:
		s.renderAgentLoad(w, r, http.StatusUnprocessableEntity, id.String(), "load.invalid")
	default:
		s.failWith(w, r, err)
	}
}

// boardStatuses are the lifecycle board's columns, in the lifecycle's order.
var boardStatuses = []domain.Status{domain.StatusReceived, domain.StatusClassified, domain.StatusAssigned,
	domain.StatusEscalated, domain.StatusWaiting, domain.StatusResolved, domain.StatusClosed}

// boardLimit bounds each column: the board shows a count and the newest tickets.
const boardLimit = 500

type boardColumn struct {
	Status  domain.Status
	Count   int
	More    bool
	Tickets []query.TicketView
}

// lifecycleBoard is GET /desk/supervisor/board: tickets by status, a column each.
func (s *Server) lifecycleBoard(w http.ResponseWriter, r *http.Request) {
	cols := make([]boardColumn, 0, len(boardStatuses))
	for _, st := range boardStatuses {
		items, next, err := s.ManagerReads.Tickets(r.Context(), projections.TicketFilter{Status: st}, boardLimit, "")
		if err != nil {
			s.failWith(w, r, err)
			return
		}
		c := boardColumn{Status: st, Count: len(items), More: next != ""}
		c.Tickets = items[:min(len(items), 10)]
		cols = append(cols, c)
	}
	s.renderDesk(w, r, http.StatusOK, "desk_supervisor_board", "board.title", map[string]any{"Columns": cols})
}
