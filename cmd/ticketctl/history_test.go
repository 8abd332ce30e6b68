package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/access"
	"github.com/ticketengine/ticketengine/application/auth"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/application/eventstoretest"
	"github.com/ticketengine/ticketengine/domain"
)

// history is what a randomized run left in a store.
type history struct {
	tickets    []uuid.UUID
	numbers    []string
	start, end time.Time
}

var historyStart = time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)

// buildHistory drives command.Commands on store with a fake clock: tickets received,
// then random commands on random tickets, the clock moving by random steps (sometimes
// none, so several events share a millisecond). Commands a ticket's status refuses
// append nothing and are skipped; any other error fails the test.
func buildHistory(t testing.TB, store eventlog.EventStore, seed uint64, tickets, steps int) history {
	t.Helper()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	clock := eventstoretest.NewClock(historyStart)
	secrets, err := auth.NewSecrets(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	cmds := command.NewCommands(command.Config{Store: store, Clock: clock, Policy: domain.DefaultSLAPolicy(), Secrets: secrets})
	meta := command.CommandMeta{Actor: "supervisor:test"}
	var agents []uuid.UUID
	for i := range 3 {
		a, err := cmds.RegisterAgent.Handle(ctx, command.RegisterAgent{Name: fmt.Sprintf("Agent %d 号", i), Email: fmt.Sprintf("a%d@example.com", i), Team: "support", Capacity: 50}, meta)
		if err != nil {
			t.Fatal(err)
		}
		agents = append(agents, a.Agent.ID)
	}
	h := history{start: historyStart}
	for i := range tickets {
		res, err := cmds.Receive.Handle(ctx, command.ReceiveTicket{
			Channel:  domain.ChannelEmail,
			Customer: domain.Customer{Name: fmt.Sprintf("客户 %d", i), Email: fmt.Sprintf("c%d@example.com", i), Tier: domain.TierStandard},
			Subject:  fmt.Sprintf("Printer <%d> & scanner", i), Body: "它坏了",
		}, command.CommandMeta{Actor: access.Customer.Actor()})
		if err != nil {
			t.Fatal(err)
		}
		h.tickets, h.numbers = append(h.tickets, res.Ticket.ID), append(h.numbers, res.Ticket.Number)
		clock.Advance(time.Duration(rng.IntN(90)) * time.Second)
	}
	for range steps {
		id := h.tickets[rng.IntN(len(h.tickets))]
		err := randomCommand(ctx, cmds, rng, id, agents, meta)
		if err != nil && !errors.Is(err, application.ErrInvalidTransition) && !errors.Is(err, application.ErrInvalid) {
			t.Fatalf("command on %s: %v", id, err)
		}
		switch rng.IntN(4) {
		case 0: // same millisecond
		case 1:
			clock.Advance(time.Duration(rng.IntN(1000)) * time.Millisecond)
		default:
			clock.Advance(time.Duration(rng.IntN(4*3600)) * time.Second)
		}
	}
	h.end = clock.Now()
	return h
}

func randomCommand(ctx context.Context, cmds *command.Commands, rng *rand.Rand, id uuid.UUID, agents []uuid.UUID, meta command.CommandMeta) error {
	var err error
	switch rng.IntN(10) {
	case 0:
		_, err = cmds.Classify.Handle(ctx, command.ClassifyTicket{TicketID: id, ClassifyTicket: domain.ClassifyTicket{Category: "hardware", Priority: []domain.Priority{domain.P1, domain.P2, domain.P3}[rng.IntN(3)], Team: "support"}}, meta)
	case 1, 2:
		_, err = cmds.Assign.Handle(ctx, command.AssignTicket{TicketID: id, AgentID: agents[rng.IntN(len(agents))]}, meta)
	case 3, 4:
		_, err = cmds.Reply.Handle(ctx, command.ReplyToTicket{TicketID: id, Body: "我们正在处理 <ok>", Public: rng.IntN(2) == 0}, meta)
	case 5:
		_, err = cmds.Wait.Handle(ctx, command.WaitOnCustomer{TicketID: id, Reason: "need the model number"}, meta)
	case 6:
		_, err = cmds.CustomerReply.Handle(ctx, command.CustomerReply{TicketID: id, Body: "型号 X-1"}, command.CommandMeta{Actor: access.Customer.Actor()})
	case 7:
		_, err = cmds.Resolve.Handle(ctx, command.ResolveTicket{TicketID: id, Resolution: "replaced the toner"}, meta)
	case 8:
		_, err = cmds.Escalate.Handle(ctx, command.EscalateTicket{TicketID: id, EscalateTicket: domain.EscalateTicket{Team: "tier2", Reason: "hard one"}}, meta)
	default:
		if rng.IntN(2) == 0 {
			_, err = cmds.Reopen.Handle(ctx, command.ReopenTicket{TicketID: id, Reason: "still broken"}, meta)
		} else {
			_, err = cmds.Close.Handle(ctx, command.CloseTicket{TicketID: id}, meta)
		}
	}
	return err
}
