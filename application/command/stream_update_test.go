package command_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/application/eventstoretest"
	"github.com/ticketengine/ticketengine/domain"
)

// ticketLife runs a ticket through every kind of command once and calls check with the
// state each command answered with.
func ticketLife(t *testing.T, c *command.Commands, clock *eventstoretest.Clock, check func(step string, got domain.TicketState)) {
	t.Helper()
	ctx := context.Background()
	reg, err := c.RegisterAgent.Handle(ctx, command.RegisterAgent{Name: "Ann", Email: "ann@example.com", Capacity: 3, Skills: []string{"hw"}}, command.CommandMeta{Actor: "admin"})
	if err != nil {
		t.Fatal(err)
	}
	first := receive(t, c, staff)
	check("receive", first.Ticket)
	id := first.Ticket.ID
	steps := []struct {
		name string
		run  func() (command.TicketResult, error)
	}{
		{"classify", func() (command.TicketResult, error) {
			return c.Classify.Handle(ctx, command.ClassifyTicket{TicketID: id, ClassifyTicket: domain.ClassifyTicket{Category: "hw", Priority: domain.P2}}, staff)
		}},
		{"assign", func() (command.TicketResult, error) {
			return c.Assign.Handle(ctx, command.AssignTicket{TicketID: id, AgentID: reg.Agent.ID}, staff)
		}},
		{"reply", func() (command.TicketResult, error) {
			return c.Reply.Handle(ctx, command.ReplyToTicket{TicketID: id, Body: "请提供订单号", Public: true}, staff)
		}},
		{"wait", func() (command.TicketResult, error) {
			return c.Wait.Handle(ctx, command.WaitOnCustomer{TicketID: id, Reason: "order number"}, staff)
		}},
		{"customer reply", func() (command.TicketResult, error) {
			return c.CustomerReply.Handle(ctx, command.CustomerReply{TicketID: id, Body: "A-123"}, command.CommandMeta{Actor: "customer"})
		}},
		{"escalate", func() (command.TicketResult, error) {
			return c.Escalate.Handle(ctx, command.EscalateTicket{TicketID: id, EscalateTicket: domain.EscalateTicket{Team: "tier2", Reason: "hardware"}}, staff)
		}},
		{"resolve", func() (command.TicketResult, error) {
			return c.Resolve.Handle(ctx, command.ResolveTicket{TicketID: id, Resolution: "replaced"}, staff)
		}},
		{"reopen", func() (command.TicketResult, error) {
			return c.Reopen.Handle(ctx, command.ReopenTicket{TicketID: id, Reason: "again"}, command.CommandMeta{Actor: "customer"})
		}},
		{"assign again", func() (command.TicketResult, error) {
			return c.Assign.Handle(ctx, command.AssignTicket{TicketID: id, AgentID: reg.Agent.ID}, staff)
		}},
		{"resolve again", func() (command.TicketResult, error) {
			return c.Resolve.Handle(ctx, command.ResolveTicket{TicketID: id, Resolution: "replaced twice"}, staff)
		}},
		{"rate", func() (command.TicketResult, error) {
			return c.Rate.Handle(ctx, command.RateTicket{TicketID: id, Score: 4, Comment: "ok"}, command.CommandMeta{Actor: "customer"})
		}},
		{"close", func() (command.TicketResult, error) {
			return c.Close.Handle(ctx, command.CloseTicket{TicketID: id}, staff)
		}},
	}
	for _, s := range steps {
		clock.Advance(37 * time.Minute)
		res, err := s.run()
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if len(res.Appended) == 0 {
			t.Fatalf("%s appended nothing", s.name)
		}
		check(s.name, res.Ticket)
	}
}

// A command answers with exactly the state a fresh fold of the stored stream gives
// (update folds only the appended records on after the append).
func TestCommandsAnswerWithTheStoredState(t *testing.T) {
	c, store, clock := newCommands(t)
	ctx := context.Background()
	steps := 0
	ticketLife(t, c, clock, func(step string, got domain.TicketState) {
		steps++
		recs, err := store.ReadStream(ctx, eventlog.TicketStream(got.ID))
		if err != nil {
			t.Fatal(err)
		}
		want, err := command.FoldTicket(recs)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want.State()) {
			t.Errorf("%s answered\n%+v\nthe stored stream folds to\n%+v", step, got, want.State())
		}
		if got.Version != int64(len(recs))-1 {
			t.Errorf("%s answered version %d, stream has %d records", step, got.Version, len(recs))
		}
	})
	if steps != 13 {
		t.Fatalf("checked %d steps, want 13", steps)
	}
}
