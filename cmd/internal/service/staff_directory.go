package service

import (
	"context"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/policy"
	"github.com/ticketengine/ticketengine/projections"
)

// staffDirectory is where the mail notifier finds its staff recipients once the read side
// exists: assignees from the policy engine's own view of agents (current the moment an
// agent changes), supervisors from the staff accounts read model (active accounts with
// role supervisor on the ticket's team). The policies are built before the read side
// (the commands need the engine's router), so the directory is set afterwards.
type staffDirectory struct {
	agents   policy.StaffDirectory
	accounts *projections.Service
}

func (d staffDirectory) Agent(ctx context.Context, id uuid.UUID) (policy.Recipient, bool, error) {
	return d.agents.Agent(ctx, id)
}

func (d staffDirectory) Supervisors(ctx context.Context, team string) ([]policy.Recipient, error) {
	rows, err := d.accounts.AccountsByTeamAndRole(ctx, team, "supervisor")
	if err != nil {
		return nil, err
	}
	out := make([]policy.Recipient, 0, len(rows))
	for _, r := range rows {
		out = append(out, policy.Recipient{Name: r.Name, Email: r.Email, Language: r.Language})
	}
	return out, nil
}

// useStaffAccounts points the notifier at the staff accounts, unless the configuration
// gave a directory of its own (tests) or no mail is sent.
func (s *Service) useStaffAccounts(read *projections.Service) {
	if s.mails == nil || s.Config.Policies.Staff != nil || read == nil {
		return
	}
	s.mails.SetStaff(staffDirectory{agents: s.engineStaff, accounts: read})
}
