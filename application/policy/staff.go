package policy

import (
	"context"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/domain"
)

// Recipient is a person a mail goes to: name, address and language (zh or en).
type Recipient struct {
	Name, Email, Language string
}

// StaffDirectory finds staff to mail. The notifier asks it for a ticket's assignee when
// the notice does not carry one, and for the supervisors of a team on every SLA breach
// and escalation. ticketd implements it over its agent view (Engine.Staff) and the staff
// accounts read model (cmd/internal/service, staff_directory.go).
type StaffDirectory interface {
	// Agent returns the agent's recipient; false when there is no such agent.
	Agent(ctx context.Context, id uuid.UUID) (Recipient, bool, error)
	// Supervisors returns the accounts with role supervisor on the team.
	Supervisors(ctx context.Context, team string) ([]Recipient, error)
}

// Staff is a StaffDirectory over the engine's view of agents (their email and language);
// it knows no supervisors: ticketd adds those from the staff accounts once its read side
// exists.
func (e *Engine) Staff() StaffDirectory { return engineStaff{e} }

type engineStaff struct{ e *Engine }

func (s engineStaff) Agent(_ context.Context, id uuid.UUID) (Recipient, bool, error) {
	s.e.mu.Lock()
	defer s.e.mu.Unlock()
	av := s.e.v.agents[id]
	if av == nil || av.a.State().Version < 0 {
		return Recipient{}, false, nil
	}
	return agentRecipient(av.a.State()), true, nil
}

func (engineStaff) Supervisors(context.Context, string) ([]Recipient, error) { return nil, nil }

func agentRecipient(a domain.AgentState) Recipient {
	return Recipient{Name: a.Name, Email: a.Email, Language: a.Language}
}
