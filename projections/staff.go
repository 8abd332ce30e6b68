package projections

import (
	"context"
	"strings"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/domain"
)

// Staff accounts are rows of the agents projection (every account lives in an agent-<id>
// stream, domain/staff.go): GET /agents shows those of role agent, GET /staff all.

// StaffView is an account as GET /staff shows it: never a password or its hash.
type StaffView struct {
	ID       uuid.UUID `json:"id"`
	Name     string    `json:"name"`
	Email    string    `json:"email"`
	Role     string    `json:"role"`
	Team     string    `json:"team"`
	Language string    `json:"language"`
	Active   bool      `json:"active"`
	Version  int64     `json:"version"`
}

// NewStaffView shows an account.
func NewStaffView(a domain.AgentState) StaffView {
	return StaffView{ID: a.ID, Name: a.Name, Email: a.Email, Role: a.RoleOf(), Team: a.Team,
		Language: a.Language, Active: a.Active(), Version: a.Version}
}

// StaffContact is what a mail to an account needs.
type StaffContact struct {
	ID       uuid.UUID
	Name     string
	Email    string
	Language string
}

// Staff is GET /staff: every account, ordered by name then id.
func (s *Service) Staff(ctx context.Context) ([]StaffView, error) {
	if err := s.settle(ctx, Agents); err != nil {
		return nil, err
	}
	rows, err := s.Store.Agents(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]StaffView, len(rows))
	for i, a := range rows {
		out[i] = NewStaffView(a.AgentState)
	}
	return out, nil
}

// StaffAccount is GET /staff/{id}; with minVersion ≥ 0 it waits for that version.
func (s *Service) StaffAccount(ctx context.Context, id uuid.UUID, minVersion int64) (StaffView, error) {
	if err := s.WaitFor(ctx, Agents, id, minVersion); err != nil {
		return StaffView{}, err
	}
	a, ok, err := s.Store.Agent(ctx, id)
	if err != nil {
		return StaffView{}, err
	}
	if !ok {
		return StaffView{}, application.ErrNotFound
	}
	return NewStaffView(a.AgentState), nil
}

// AccountsByTeamAndRole is the active accounts of a team (case-insensitive) with a role
// ("" for every role), with their email and language: whom to mail about a team (the
// supervisors of a team, for instance). Ordered by name then id.
func (s *Service) AccountsByTeamAndRole(ctx context.Context, team, role string) ([]StaffContact, error) {
	if err := s.settle(ctx, Agents); err != nil {
		return nil, err
	}
	rows, err := s.Store.Agents(ctx)
	if err != nil {
		return nil, err
	}
	var out []StaffContact
	for _, a := range rows {
		if a.Active() && strings.EqualFold(a.Team, team) && (role == "" || a.RoleOf() == role) {
			out = append(out, StaffContact{ID: a.ID, Name: a.Name, Email: a.Email, Language: a.Language})
		}
	}
	return out, nil
}

// OpenTicketsOf is the open tickets assigned to agent, the queues caught up with the
// event store first (command.AssignedTickets: a deactivation hands them back).
func (s *Service) OpenTicketsOf(ctx context.Context, agent uuid.UUID) ([]uuid.UUID, error) {
	if err := s.settle(ctx, Queues); err != nil {
		return nil, err
	}
	rows, err := s.Store.OpenTickets(ctx, QueueFilter{Assignee: agent})
	if err != nil {
		return nil, err
	}
	out := make([]uuid.UUID, len(rows))
	for i, t := range rows {
		out[i] = t.ID
	}
	return out, nil
}
