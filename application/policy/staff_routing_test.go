package policy_test

import (
	"context"
	"testing"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/domain"
)

// Routing uses an agent's profile as PATCH /agents/{id} changed it, never routes to a
// deactivated agent, and routes tickets handed back by a deactivation to the others.
func TestRoutingFollowsProfileChangesAndDeactivation(t *testing.T) {
	store, c := routingNode(t)
	ctx := context.Background()
	ann := agent(t, c, "ann", "sales", 3, true, "network")
	team, skills := "support", []string{"billing"}
	if _, _, err := c.ChangeProfile.Handle(ctx, command.ChangeAgentProfile{AgentID: ann,
		ChangeAgentProfile: domain.ChangeAgentProfile{Team: &team, Skills: &skills}}, staff); err != nil {
		t.Fatal(err)
	}
	first := receiveBilling(t, c, "one", domain.P3)
	wantAssigned(t, store, first, ann, "a billing ticket, to ann after her move to support")

	bob := agent(t, c, "bob", "support", 3, false, "billing")
	if _, err := c.Deactivate.WithFinders(nil, fixed{first}).Handle(ctx, command.DeactivateAccount{AccountID: ann}, staff); err != nil {
		t.Fatal(err)
	}
	setOnline(t, c, bob, true)
	wantAssigned(t, store, first, bob, "ann's ticket, handed back, to bob")
	second := receiveBilling(t, c, "two", domain.P3)
	wantAssigned(t, store, second, bob, "a new ticket, not to the deactivated ann")
}

type fixed []uuid.UUID

func (f fixed) OpenTicketsOf(context.Context, uuid.UUID) ([]uuid.UUID, error) { return f, nil }
