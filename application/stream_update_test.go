package application_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/eventstoretest"
	"github.com/ticketengine/ticketengine/domain"
)

// ticketLife runs a ticket through every kind of command once and calls check with the
// state each command answered with.
func ticketLife(t *testing.T, c *application.Commands, clock *eventstoretest.Clock, check func(step string, got domain.TicketState)) {
	t.Helper()
	ctx := context.Background()
	reg, err := c.RegisterAgent.Handle(ctx, application.RegisterAgent{Name: "Ann", Email: "ann@example.com", Capacity: 3, Skills: []string{"hw"}}, application.CommandMeta{Actor: "admin"})
	if err != nil {
		t.Fatal(err)
	}
	first := receive(t, c, staff)
	check("receive", first.Ticket)
	id := first.Ticket.ID
	steps := []struct {
		name string
		run  func() (application.TicketResult, error)
	}{
		{"classify", func() (application.TicketResult, error) {
			return c.Classify.Handle(ctx, application.ClassifyTicket{TicketID: id, ClassifyTicket: domain.ClassifyTicket{Category: "hw", Priority: domain.P2}}, staff)
		}},
		{"assign", func() (application.TicketResult, error) {
			return c.Assign.Handle(ctx, application.AssignTicket{TicketID: id, AgentID: reg.Agent.ID}, staff)
		}},
		{"reply", func() (application.TicketResult, error) {
			return c.Reply.Handle(ctx, application.ReplyToTicket{TicketID: id, Body: "请提供订单号", Public: true}, staff)
		}},
		{"wait", func() (application.TicketResult, error) {
			return c.Wait.Handle(ctx, application.WaitOnCustomer{TicketID: id, Reason: "order number"}, staff)
		}},
		{"customer reply", func() (application.TicketResult, error) {
			return c.CustomerReply.Handle(ctx, application.CustomerReply{TicketID: id, Body: "A-123"}, application.CommandMeta{Actor: "customer"})
		}},
		{"escalate", func() (application.TicketResult, error) {
			return c.Escalate.Handle(ctx, application.EscalateTicket{TicketID: id, EscalateTicket: domain.EscalateTicket{Team: "tier2", Reason: "hardware"}}, staff)
		}},
		{"resolve", func() (application.TicketResult, error) {
			return c.Resolve.Handle(ctx, application.ResolveTicket{TicketID: id, Resolution: "replaced"}, staff)
		}},
		{"reopen", func() (application.TicketResult, error) {
			return c.Reopen.Handle(ctx, application.ReopenTicket{TicketID: id, Reason: "again"}, application.CommandMeta{Actor: "customer"})
		}},
		{"assign again", func() (application.TicketResult, error) {
			return c.Assign.Handle(ctx, application.AssignTicket{TicketID: id, AgentID: reg.Agent.ID}, staff)
		}},
		{"resolve again", func() (application.TicketResult, error) {
			return c.Resolve.Handle(ctx, application.ResolveTicket{TicketID: id, Resolution: "replaced twice"}, staff)
		}},
		{"rate", func() (application.TicketResult, error) {
			return c.Rate.Handle(ctx, application.RateTicket{TicketID: id, Score: 4, Comment: "ok"}, application.CommandMeta{Actor: "customer"})
		}},
		{"close", func() (application.TicketResult, error) {
			return c.Close.Handle(ctx, application.CloseTicket{TicketID: id}, staff)
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
		recs, err := store.ReadStream(ctx, application.TicketStream(got.ID))
		if err != nil {
			t.Fatal(err)
		}
		want, err := application.FoldTicket(recs)
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
