package policy_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/application/policy"
	"github.com/ticketengine/ticketengine/domain"
)

// reassignPolicy: a ticket left assigned for 1 s (an hour in a real file) goes back to
// its team's queue.
func reassignPolicy() domain.SLAPolicy {
	p := fastPolicy()
	p.Stages = []domain.StageRule{{Name: "assigned_too_long", Stage: domain.StatusAssigned, After: time.Second, Action: domain.StageReassign}}
	return p
}

// assignedTicket gives a standard ticket to an agent who is offline, so that the router
// has nobody to give it to once it is back in the queue.
func assignedTicket(t *testing.T, c *command.Commands) (uuid.UUID, uuid.UUID) {
	t.Helper()
	li := agent(t, c, "li", "", 5, false)
	id := receive(t, c, domain.TierStandard, "发票")
	if _, err := c.Assign.Handle(context.Background(), command.AssignTicket{TicketID: id, AgentID: li}, staff); err != nil {
		t.Fatal(err)
	}
	return id, li
}

// checkReassignedOnce: one passing naming the rule, one release of the agent naming it,
// both by the stage monitor; the ticket is unassigned and classified again.
func checkReassignedOnce(t *testing.T, store eventlog.EventStore, c *command.Commands, id, li uuid.UUID) {
	t.Helper()
	if n := count(t, store, id, domain.TypeStageDeadlinePassed, map[string]string{"rule": "assigned_too_long", "action": "reassign"}); n != 1 {
		t.Fatalf("%d stage events, want 1", n)
	}
	if n := count(t, store, id, domain.TypeTicketUnassigned, map[string]string{"agent_id": li.String(), "reason": "stage_limit: assigned_too_long"}); n != 1 {
		t.Fatalf("%d releases naming the rule, want 1", n)
	}
	for _, r := range events(t, store, id) {
		if r.Type == domain.TypeTicketUnassigned && (r.Meta.Actor != command.SystemActor || r.Meta.Rule != policy.RuleStageMonitor) {
			t.Fatalf("the release has meta %+v", r.Meta)
		}
	}
	recs := events(t, store, id)
	tk := domain.NewTicket()
	for _, r := range recs {
		e, err := domain.DecodeTicketEvent(r.Type, r.Data)
		if err != nil {
			t.Fatal(err)
		}
		tk.Apply(e, r.Meta.OccurredAt)
	}
	if s := tk.State(); s.Assignee != uuid.Nil || s.Status != domain.StatusClassified {
		t.Fatalf("after the reassignment: assignee %v, status %s", s.Assignee, s.Status)
	}
}

// The limit passes while no engine runs: the next start reassigns once, a third start
// finds nothing to do.
func TestStageReassignOnceAcrossARestart(t *testing.T) {
	store := newStore()
	n1 := startNode(t, store, policy.Options{Policy: reassignPolicy()})
	id, li := assignedTicket(t, n1.cmds)
	n1.halt()
	time.Sleep(1200 * time.Millisecond) // past the limit, nobody watching
	n2 := startNode(t, store, policy.Options{Policy: reassignPolicy()})
	eventually(t, 10*time.Second, "the reassignment after the restart", func() bool {
		return count(t, store, id, domain.TypeTicketUnassigned, nil) > 0
	})
	n2.halt()
	n3 := startNode(t, store, policy.Options{Policy: reassignPolicy()})
	time.Sleep(700 * time.Millisecond) // several retry periods
	checkReassignedOnce(t, store, n3.cmds, id, li)
}

// Two processes watching the same ticket: one reassignment.
func TestStageReassignOnceWithTwoProcesses(t *testing.T) {
	store := newStore()
	n1 := startNode(t, store, policy.Options{Policy: reassignPolicy()})
	startNode(t, store, policy.Options{Policy: reassignPolicy()})
	id, li := assignedTicket(t, n1.cmds)
	eventually(t, 10*time.Second, "the reassignment", func() bool {
		return count(t, store, id, domain.TypeTicketUnassigned, nil) > 0
	})
	time.Sleep(700 * time.Millisecond)
	checkReassignedOnce(t, store, n1.cmds, id, li)
}
