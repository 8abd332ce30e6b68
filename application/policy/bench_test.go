package policy_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/auth"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/application/policy"
	"github.com/ticketengine/ticketengine/application/query"
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
		res, err := n.cmds.Receive.Handle(context.Background(), command.ReceiveTicket{Channel: domain.ChannelEmail, Subject: "refund 退款",
			Customer: domain.Customer{Name: "c", Email: "c@example.com", Tier: domain.TierStandard}}, staff)
		if err != nil {
			b.Fatal(err)
		}
		ids = append(ids, res.Ticket.ID)
	}
	for _, id := range ids {
		for {
			s, err := query.GetTicket(context.Background(), store, id, time.Time{})
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
		if _, err := n.cmds.Receive.Handle(context.Background(), command.ReceiveTicket{Channel: domain.ChannelWeb, Subject: "s",
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

func agentB(b *testing.B, c *command.Commands, name string, capacity int) {
	res, err := c.RegisterAgent.Handle(context.Background(), command.RegisterAgent{Name: name, Email: name + "@example.com", Skills: []string{"billing"}, Capacity: capacity}, staff)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := c.SetPresence.Handle(context.Background(), command.SetAgentPresence{AgentID: res.Agent.ID, Online: true}, staff); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkCatchUpMemory: an engine catches up with a store of 20,000 tickets, 10,000 of
// them resolved; it reports the heap the engine retains per open ticket (heap-bytes/open)
// and the catch-up time per ticket (ns/op is per catch-up of the whole store).
func BenchmarkCatchUpMemory(b *testing.B) {
	store := newStore()
	secrets, _ := auth.NewSecrets(make([]byte, 32))
	cmds := command.NewCommands(command.Config{Store: store, Clock: application.SystemClock{}, Policy: domain.DefaultSLAPolicy(), Secrets: secrets})
	ctx := context.Background()
	const tickets, open = 20000, 10000
	for i := range tickets {
		res, err := cmds.Receive.Handle(ctx, command.ReceiveTicket{Channel: domain.ChannelWeb, Subject: "a subject of some length 主题",
			Body: "a body of some length", Customer: domain.Customer{Name: "客户", Email: "c@example.com", Tier: domain.TierCore}}, staff)
		if err != nil {
			b.Fatal(err)
		}
		if i >= open {
			if _, err := cmds.Resolve.Handle(ctx, command.ResolveTicket{TicketID: res.Ticket.ID, Resolution: "ok"}, staff); err != nil {
				// received tickets cannot be resolved directly: escalate first
				if _, err := cmds.Escalate.Handle(ctx, command.EscalateTicket{TicketID: res.Ticket.ID, EscalateTicket: domain.EscalateTicket{Reason: "x"}}, staff); err != nil {
					b.Fatal(err)
				}
				if _, err := cmds.Resolve.Handle(ctx, command.ResolveTicket{TicketID: res.Ticket.ID, Resolution: "ok"}, staff); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	var before, after runtime.MemStats
	b.ResetTimer()
	for range b.N {
		runtime.GC()
		runtime.ReadMemStats(&before)
		e := policy.New(policy.Options{Store: store, Policy: domain.DefaultSLAPolicy()})
		e.SetCommands(cmds)
		runCtx, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { _ = e.Run(runCtx); close(done) }()
		for e.Stats().Position == 0 || e.Stats().Position < lastPosition(b, store) {
			time.Sleep(time.Millisecond)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/open, "heap-bytes/open")
		cancel()
		<-done
		runtime.KeepAlive(e)
	}
}

func lastPosition(b *testing.B, store eventlog.EventStore) int64 {
	var last uint64
	for {
		recs, err := store.ReadAll(context.Background(), last, 10000)
		if err != nil {
			b.Fatal(err)
		}
		if len(recs) == 0 {
			return int64(last)
		}
		last = recs[len(recs)-1].Position
	}
}

// BenchmarkNotifierReceipts: tickets received one after another with the notifier on
// (memory store): ns/op is per ticket, from the command to its receipt mail claimed,
// worded, handed to the mailer and recorded sent.
func BenchmarkNotifierReceipts(b *testing.B) {
	store := newStore()
	box := &outbox{}
	t := &testing.T{}
	n := startNode(t, store, policy.Options{Notifier: notifier(store, box), Policy: domain.DefaultSLAPolicy()})
	defer n.halt()
	b.ResetTimer()
	for range b.N {
		if _, err := n.cmds.Receive.Handle(context.Background(), command.ReceiveTicket{Channel: domain.ChannelEmail, Subject: "发票",
			Customer: domain.Customer{Name: "c", Email: "c@example.com", Tier: domain.TierStandard, Language: "zh"}}, staff); err != nil {
			b.Fatal(err)
		}
	}
	for box.count("c@example.com", "") < b.N {
		time.Sleep(time.Millisecond)
	}
}
