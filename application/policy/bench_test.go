package policy_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/policy"
	"github.com/ticketengine/ticketengine/domain"
)

// BenchmarkRuleClassifyAndRoute: tickets received one after another, each classified by a
// keyword rule and routed by the engine (memory store). ns/op is per ticket, from receipt
// to the automatic assignment being in the store.
func BenchmarkRuleClassifyAndRoute(b *testing.B) {
	store := newStore()
	t := &testing.T{}
	n := startNode(t, store, policy.Options{Rules: testRules(), Routing: true, Policy: domain.DefaultSLAPolicy()})
	defer n.halt()
	for i := range 20 {
		agentB(b, n.cmds, fmt.Sprintf("a%d", i), 1000)
	}
	ids := make([]uuid.UUID, 0, b.N)
	b.ResetTimer()
	for range b.N {
		res, err := n.cmds.Receive.Handle(context.Background(), application.ReceiveTicket{Channel: domain.ChannelEmail, Subject: "refund 退款",
			Customer: domain.Customer{Name: "c", Email: "c@example.com", Tier: domain.TierStandard}}, staff)
		if err != nil {
			b.Fatal(err)
		}
		ids = append(ids, res.Ticket.ID)
	}
	for _, id := range ids {
		for {
			s, err := application.GetTicket(context.Background(), store, id, time.Time{})
			if err != nil {
				b.Fatal(err)
			}
			if s.Assignee != uuid.Nil {
				break
			}
			time.Sleep(time.Millisecond)
		}
	}
}

// BenchmarkPick: one routing decision ({"auto":true}) with 50 agents and 5,000 open
// tickets in the view; includes the TicketRouted append (memory store).
func BenchmarkPick(b *testing.B) {
	store := newStore()
	t := &testing.T{}
	n := startNode(t, store, policy.Options{Policy: domain.DefaultSLAPolicy()})
	defer n.halt()
	for i := range 50 {
		agentB(b, n.cmds, fmt.Sprintf("a%d", i), 1000)
	}
	for range 5000 {
		if _, err := n.cmds.Receive.Handle(context.Background(), application.ReceiveTicket{Channel: domain.ChannelWeb, Subject: "s",
			Customer: domain.Customer{Name: "c", Email: "c@example.com", Tier: domain.TierCore}}, staff); err != nil {
			b.Fatal(err)
		}
	}
	router := n.engine.Router()
	ticket := domain.TicketState{ID: uuid.New(), Team: "support", Category: "billing"}
	time.Sleep(200 * time.Millisecond) // let the engine fold the setup
	b.ResetTimer()
	for range b.N {
		if _, err := router.Pick(context.Background(), ticket); err != nil {
			b.Fatal(err)
		}
	}
}

func agentB(b *testing.B, c *application.Commands, name string, capacity int) {
	res, err := c.RegisterAgent.Handle(context.Background(), application.RegisterAgent{Name: name, Email: name + "@example.com", Skills: []string{"billing"}, Capacity: capacity}, staff)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := c.SetPresence.Handle(context.Background(), application.SetAgentPresence{AgentID: res.Agent.ID, Online: true}, staff); err != nil {
		b.Fatal(err)
	}
}
