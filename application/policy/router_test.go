package policy_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/application/policy"
	"github.com/ticketengine/ticketengine/application/query"
	"github.com/ticketengine/ticketengine/domain"
)

func agent(t *testing.T, c *command.Commands, name, team string, capacity int, online bool, skills ...string) uuid.UUID {
	t.Helper()
	ctx := context.Background()
	res, err := c.RegisterAgent.Handle(ctx, command.RegisterAgent{Name: name, Email: name + "@example.com", Team: team, Skills: skills, Capacity: capacity}, staff)
	if err != nil {
		t.Fatal(err)
	}
	if online {
		setOnline(t, c, res.Agent.ID, true)
	}
	return res.Agent.ID
}

func setOnline(t *testing.T, c *command.Commands, id uuid.UUID, online bool) {
	t.Helper()
	if _, err := c.SetPresence.Handle(context.Background(), command.SetAgentPresence{AgentID: id, Online: online}, staff); err != nil {
		t.Fatal(err)
	}
}

func ticketState(t *testing.T, store eventlog.EventStore, id uuid.UUID) domain.TicketState {
	t.Helper()
	s, err := query.GetTicket(context.Background(), store, id, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func assigneeOf(t *testing.T, store eventlog.EventStore, id uuid.UUID) uuid.UUID {
	return ticketState(t, store, id).Assignee
}

// routingNode starts a policy node with automatic assignment on a new store.
func routingNode(t *testing.T) (eventlog.EventStore, *command.Commands) {
	store := newStore()
	return store, startNode(t, store, policy.Options{Routing: true, Policy: domain.DefaultSLAPolicy()}).cmds
}

// receiveBilling receives a standard-tier ticket and classifies it billing with priority
// p, which hands it to routing.
func receiveBilling(t *testing.T, c *command.Commands, subject string, p domain.Priority) uuid.UUID {
	t.Helper()
	id := receive(t, c, domain.TierStandard, subject)
	classify(t, c, id, "billing", p, "")
	return id
}

func waitAssigned(t *testing.T, store eventlog.EventStore, id uuid.UUID) uuid.UUID {
	t.Helper()
	eventually(t, 5*time.Second, "assignment of "+id.String(), func() bool { return assigneeOf(t, store, id) != uuid.Nil })
	return assigneeOf(t, store, id)
}

// wantAssigned waits for the ticket's assignment and fails the test unless it went to
// want; what says which assignment it was, as the failure reports it.
func wantAssigned(t *testing.T, store eventlog.EventStore, id, want uuid.UUID, what string) {
	t.Helper()
	if got := waitAssigned(t, store, id); got != want {
		t.Fatalf("%s: assigned to %v, want %v", what, got, want)
	}
}

// settle waits until the engine has had time to act on everything appended so far.
func settle() { time.Sleep(300 * time.Millisecond) }

func TestRoutingFollowsSkillLoadPresenceAndWaits(t *testing.T) {
	store, c := routingNode(t)
	ann := agent(t, c, "ann", "support", 2, true, "billing")
	bob := agent(t, c, "bob", "support", 1, true, "Billing")
	agent(t, c, "cyd", "support", 5, true, "network")         // no skill
	agent(t, c, "eve", "sales", 5, true, "billing")           // other team
	dan := agent(t, c, "dan", "support", 1, false, "billing") // offline

	first := receiveBilling(t, c, "one", domain.P3)
	a1 := waitAssigned(t, store, first)
	second := receiveBilling(t, c, "two", domain.P3)
	a2 := waitAssigned(t, store, second)
	if a1 == a2 || (a1 != ann && a1 != bob) || (a2 != ann && a2 != bob) {
		t.Fatalf("first two went to %v and %v; want ann and bob, one each (least loaded)", a1, a2)
	}
	third := receiveBilling(t, c, "three", domain.P3)
	wantAssigned(t, store, third, ann, "the third ticket, to ann (bob is at capacity)")
	fourth := receiveBilling(t, c, "four", domain.P2)
	settle()
	if got := ticketState(t, store, fourth); got.Assignee != uuid.Nil || got.Status != domain.StatusClassified {
		t.Fatalf("fourth: %s / %v; want it waiting in the queue", got.Status, got.Assignee)
	}
	if _, err := c.Assign.Handle(context.Background(), command.AssignTicket{TicketID: fourth, Auto: true}, staff); !errors.Is(err, command.ErrNoAgentAvailable) {
		t.Fatalf(`{"auto":true} with everyone full: %v`, err)
	}
	setOnline(t, c, dan, true) // an agent comes online: the waiting ticket goes to them
	wantAssigned(t, store, fourth, dan, "the fourth ticket, to dan")
	fifth := receiveBilling(t, c, "five", domain.P3)
	settle()
	if got := assigneeOf(t, store, fifth); got != uuid.Nil {
		t.Fatalf("fifth assigned to %v with everyone full", got)
	}
	// A ticket of bob's resolves: bob has room again.
	bobs := first
	if a2 == bob {
		bobs = second
	}
	if _, err := c.Resolve.Handle(context.Background(), command.ResolveTicket{TicketID: bobs, Resolution: "done"}, staff); err != nil {
		t.Fatal(err)
	}
	wantAssigned(t, store, fifth, bob, "the fifth ticket, to bob")
	for _, r := range events(t, store, fifth) {
		if r.Type == domain.TypeTicketAssigned && (r.Meta.Actor != command.SystemActor || r.Meta.Rule != policy.RuleAutoRoute || r.Meta.CausationID == "") {
			t.Fatalf("assignment meta %+v", r.Meta)
		}
	}
}

func TestRoutingPrefersTheAgentIdleLongest(t *testing.T) {
	store, c := routingNode(t)
	ann := agent(t, c, "ann", "support", 3, true, "billing")
	bob := agent(t, c, "bob", "support", 3, false, "billing")
	warm := receiveBilling(t, c, "warm-up", domain.P3)
	wantAssigned(t, store, warm, ann, "the warm-up ticket, to ann")
	if _, err := c.Resolve.Handle(context.Background(), command.ResolveTicket{TicketID: warm, Resolution: "ok"}, staff); err != nil {
		t.Fatal(err)
	}
	setOnline(t, c, bob, true)
	settle()
	next := receiveBilling(t, c, "next", domain.P3)
	wantAssigned(t, store, next, bob, "the next ticket, to bob, idle longer than ann (both have no open ticket)")
}

func TestEscalatedTicketsRouteWithinTheEscalationTeam(t *testing.T) {
	store, c := routingNode(t)
	ann := agent(t, c, "ann", "support", 3, true, "billing")
	esc := agent(t, c, "esc", "escalations", 3, true, "billing")
	id := receiveBilling(t, c, "refund", domain.P3)
	wantAssigned(t, store, id, ann, "the ticket, to ann in its team")
	if _, err := c.Escalate.Handle(context.Background(), command.EscalateTicket{TicketID: id,
		EscalateTicket: domain.EscalateTicket{Reason: "angry"}}, staff); err != nil {
		t.Fatal(err)
	}
	eventually(t, 5*time.Second, "routing to the escalation team", func() bool { return assigneeOf(t, store, id) == esc })
}

// Many tickets classified at once, on two engines sharing one store (two processes),
// while clients also ask for {"auto":true}: no agent ends over capacity, and every seat
// is filled.
func TestRoutingNeverExceedsCapacityUnderConcurrency(t *testing.T) {
	store := newStore()
	a := startNode(t, store, policy.Options{Routing: true, Policy: domain.DefaultSLAPolicy()})
	b := startNode(t, store, policy.Options{Routing: true, Policy: domain.DefaultSLAPolicy()})
	capacity := map[uuid.UUID]int{}
	for i := range 6 {
		id := agent(t, a.cmds, fmt.Sprintf("agent%d", i), "support", 1+i%3, true, "billing")
		capacity[id] = 1 + i%3
	}
	seats := 0
	for _, n := range capacity {
		seats += n
	}
	const tickets = 40
	var ids []uuid.UUID
	for i := range tickets {
		ids = append(ids, receive(t, a.cmds, domain.TierStandard, fmt.Sprintf("t%d", i)))
	}
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := []*command.Commands{a.cmds, b.cmds}[i%2]
			if _, err := c.Classify.Handle(context.Background(), command.ClassifyTicket{TicketID: id,
				ClassifyTicket: domain.ClassifyTicket{Category: "billing", Priority: domain.P3}}, staff); err != nil {
				t.Error(err)
			}
			if i%3 == 0 { // a client asks too, racing the routers
				_, _ = c.Assign.Handle(context.Background(), command.AssignTicket{TicketID: id, Auto: true}, staff)
			}
		}()
	}
	wg.Wait()
	load := func() (map[uuid.UUID]int, int) {
		per, total := map[uuid.UUID]int{}, 0
		for _, id := range ids {
			if s := ticketState(t, store, id); s.Assignee != uuid.Nil {
				per[s.Assignee]++
				total++
			}
		}
		return per, total
	}
	eventually(t, 10*time.Second, "every seat filled", func() bool { _, total := load(); return total >= seats })
	settle()
	per, total := load()
	for id, n := range per {
		if n > capacity[id] {
			t.Fatalf("agent %v holds %d tickets, capacity %d", id, n, capacity[id])
		}
	}
	if total != seats {
		t.Fatalf("%d tickets assigned, want %d (all seats)", total, seats)
	}
}
