package policy_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/application/policy"
	"github.com/ticketengine/ticketengine/application/query"
	"github.com/ticketengine/ticketengine/domain"
)

// watchedP1 starts a policy node on a new store and receives a VIP ticket classified P1
// in category: the tightest SLA clocks the monitor watches.
func watchedP1(t *testing.T, subject, category string) (eventlog.EventStore, *node, uuid.UUID) {
	t.Helper()
	store := newStore()
	n := startNode(t, store, policy.Options{})
	id := receive(t, n.cmds, domain.TierVIP, subject)
	classify(t, n.cmds, id, category, domain.P1, "")
	return store, n, id
}

func breachEvents(t *testing.T, store eventlog.EventStore, id uuid.UUID) (breaches, escalations int) {
	return count(t, store, id, domain.TypeSLABreached, map[string]string{"clock": domain.ClockFirstResponse}),
		count(t, store, id, domain.TypeTicketEscalated, map[string]string{"reason": domain.SLABreachReason, "team": "escalations"})
}

func TestVIPTicketWithoutReplyIsEscalatedOnceBySystem(t *testing.T) {
	store, _, id := watchedP1(t, "网站打不开", "outage")
	eventually(t, 10*time.Second, "escalation", func() bool { _, e := breachEvents(t, store, id); return e > 0 })
	time.Sleep(700 * time.Millisecond) // several retry periods: nothing more may be recorded
	b, e := breachEvents(t, store, id)
	if b != 1 || e != 1 {
		t.Fatalf("breaches %d, escalations %d; want 1 and 1", b, e)
	}
	if w := count(t, store, id, domain.TypeSLAWarningIssued, map[string]string{"clock": domain.ClockFirstResponse}); w != 1 {
		t.Fatalf("warnings %d, want 1", w)
	}
	for _, r := range events(t, store, id) {
		if r.Type == domain.TypeTicketEscalated || r.Type == domain.TypeSLABreached || r.Type == domain.TypeSLAWarningIssued {
			if r.Meta.Actor != command.SystemActor || r.Meta.Rule != policy.RuleSLAMonitor || r.Meta.CausationID == "" {
				t.Fatalf("%s has meta %+v", r.Type, r.Meta)
			}
		}
	}
	got, err := query.GetTicket(context.Background(), store, id, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if fr, _ := got.Clocks(time.Now()); !fr.Breached || got.Status != domain.StatusEscalated {
		t.Fatalf("ticket after breach: status %s, clock %+v", got.Status, fr)
	}
}

func TestMonitorRestartedBetweenWarningAndBreach(t *testing.T) {
	store, n, id := watchedP1(t, "urgent", "outage")
	eventually(t, 5*time.Second, "warning", func() bool {
		return count(t, store, id, domain.TypeSLAWarningIssued, nil) > 0
	})
	n.halt()
	if b, _ := breachEvents(t, store, id); b != 0 {
		t.Skip("the breach came before the monitor stopped; the machine is too slow for this timing")
	}
	time.Sleep(2 * time.Second) // the breach falls due while no monitor runs
	n2 := startNode(t, store, policy.Options{})
	eventually(t, 5*time.Second, "escalation after restart", func() bool { _, e := breachEvents(t, store, id); return e > 0 })
	n2.halt()
	n3 := startNode(t, store, policy.Options{}) // a further restart repeats nothing
	time.Sleep(600 * time.Millisecond)
	n3.halt()
	if b, e := breachEvents(t, store, id); b != 1 || e != 1 {
		t.Fatalf("breaches %d, escalations %d; want 1 and 1", b, e)
	}
	if w := count(t, store, id, domain.TypeSLAWarningIssued, map[string]string{"clock": domain.ClockFirstResponse}); w != 1 {
		t.Fatalf("warnings %d, want 1", w)
	}
}

func TestTwoMonitorsOnOneStoreRecordEachBreachOnce(t *testing.T) {
	store := newStore()
	a := startNode(t, store, policy.Options{})
	startNode(t, store, policy.Options{})
	var ids []uuid.UUID
	for i := range 10 {
		id := receive(t, a.cmds, domain.TierVIP, "ticket")
		classify(t, a.cmds, id, "outage", domain.P1, "")
		if i%2 == 0 { // half of them answered in time: their first response never breaches
			if _, err := a.cmds.Reply.Handle(context.Background(), command.ReplyToTicket{TicketID: id, Body: "on it", Public: true}, staff); err != nil {
				t.Fatal(err)
			}
		}
		ids = append(ids, id)
	}
	// Resolution clocks (4 s) breach on all ten; first response on the five unanswered.
	eventually(t, 12*time.Second, "resolution breaches", func() bool {
		for _, id := range ids {
			if count(t, store, id, domain.TypeSLABreached, map[string]string{"clock": domain.ClockResolution}) == 0 {
				return false
			}
		}
		return true
	})
	time.Sleep(600 * time.Millisecond)
	for i, id := range ids {
		fr := count(t, store, id, domain.TypeSLABreached, map[string]string{"clock": domain.ClockFirstResponse})
		res := count(t, store, id, domain.TypeSLABreached, map[string]string{"clock": domain.ClockResolution})
		esc := count(t, store, id, domain.TypeTicketEscalated, nil)
		wantFR := i % 2
		if fr != wantFR || res != 1 || esc != 1 {
			t.Fatalf("ticket %d: first-response breaches %d (want %d), resolution breaches %d, escalations %d", i, fr, wantFR, res, esc)
		}
	}
}

func TestWaitingTicketDoesNotBreachAndItsDueMoves(t *testing.T) {
	store, n, id := watchedP1(t, "waiting", "billing")
	ctx := context.Background()
	agent, err := n.cmds.RegisterAgent.Handle(ctx, command.RegisterAgent{Name: "A", Email: "a@example.com", Capacity: 5}, staff)
	if err != nil {
		t.Fatal(err)
	}
	must(t, func() error {
		_, err := n.cmds.Reply.Handle(ctx, command.ReplyToTicket{TicketID: id, Body: "looking", Public: true}, staff)
		return err
	})
	must(t, func() error {
		_, err := n.cmds.Assign.Handle(ctx, command.AssignTicket{TicketID: id, AgentID: agent.Agent.ID}, staff)
		return err
	})
	before, _ := query.GetTicket(ctx, store, id, time.Time{})
	waited, err := n.cmds.Wait.Handle(ctx, command.WaitOnCustomer{TicketID: id, Reason: "need logs"}, staff)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(5 * time.Second) // past the 4 s resolution target
	if got := count(t, store, id, domain.TypeSLABreached, nil); got != 0 {
		t.Fatalf("%d breaches while waiting", got)
	}
	resumed, err := n.cmds.CustomerReply.Handle(ctx, command.CustomerReply{TicketID: id, Body: "here"}, command.CommandMeta{Actor: "customer"})
	if err != nil {
		t.Fatal(err)
	}
	wait := resumed.Ticket.UpdatedAt.Sub(waited.Ticket.UpdatedAt)
	if got, want := resumed.Ticket.SLA.ResolutionDue, before.SLA.ResolutionDue.Add(wait); !got.Equal(want) {
		t.Fatalf("resolution due %v, want %v (moved by the %v waited)", got, want, wait)
	}
	eventually(t, 8*time.Second, "breach after the wait", func() bool {
		return count(t, store, id, domain.TypeSLABreached, map[string]string{"clock": domain.ClockResolution}) == 1
	})
	for _, r := range events(t, store, id) {
		if r.Type == domain.TypeSLABreached && r.Meta.OccurredAt.Before(resumed.Ticket.SLA.ResolutionDue) {
			t.Fatalf("breach recorded at %v, before the moved due %v", r.Meta.OccurredAt, resumed.Ticket.SLA.ResolutionDue)
		}
	}
}

func must(t *testing.T, f func() error) {
	t.Helper()
	if err := f(); err != nil {
		t.Fatal(err)
	}
}

// A resolved ticket leaves the engine's view; reopened by the customer it is reloaded from
// its stream and its restarted resolution clock is watched again.
func TestReopenedTicketIsWatchedAgain(t *testing.T) {
	store, n, id := watchedP1(t, "reopen me", "billing")
	ctx := context.Background()
	must(t, func() error {
		_, err := n.cmds.Reply.Handle(ctx, command.ReplyToTicket{TicketID: id, Body: "fixed?", Public: true}, staff)
		return err
	})
	agent, err := n.cmds.RegisterAgent.Handle(ctx, command.RegisterAgent{Name: "A", Email: "a@example.com", Capacity: 5}, staff)
	if err != nil {
		t.Fatal(err)
	}
	must(t, func() error {
		_, err := n.cmds.Assign.Handle(ctx, command.AssignTicket{TicketID: id, AgentID: agent.Agent.ID}, staff)
		return err
	})
	must(t, func() error {
		_, err := n.cmds.Resolve.Handle(ctx, command.ResolveTicket{TicketID: id, Resolution: "done"}, staff)
		return err
	})
	settle()
	reopened, err := n.cmds.CustomerReply.Handle(ctx, command.CustomerReply{TicketID: id, Body: "still broken"}, command.CommandMeta{Actor: "customer"})
	if err != nil || reopened.Ticket.Status != domain.StatusAssigned {
		t.Fatalf("reopen: %v %v", err, reopened.Ticket.Status)
	}
	eventually(t, 10*time.Second, "resolution breach after reopening", func() bool {
		return count(t, store, id, domain.TypeSLABreached, map[string]string{"clock": domain.ClockResolution}) == 1
	})
	if got := count(t, store, id, domain.TypeSLABreached, map[string]string{"clock": domain.ClockFirstResponse}); got != 0 {
		t.Fatalf("%d first-response breaches for a ticket answered in time", got)
	}
}
