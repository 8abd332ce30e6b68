package policy_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/auth"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/application/eventstoretest"
	"github.com/ticketengine/ticketengine/application/policy"
	"github.com/ticketengine/ticketengine/domain"
)

// shiftNode is an engine and its commands on a fake clock, routing only when asked
// ({"auto":true}), so that each routing decision in the test is one it made.
func shiftNode(t *testing.T, store eventlog.EventStore, clock *eventstoretest.Clock, handOver string) (*policy.Engine, *command.Commands) {
	t.Helper()
	e := policy.New(policy.Options{Store: store, Clock: clock, Policy: domain.DefaultSLAPolicy(), Standby: true,
		Shifts: policy.ShiftOptions{HandOver: handOver}})
	secrets, err := auth.NewSecrets(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	cmds := command.NewCommands(command.Config{Store: store, Clock: clock, Policy: domain.DefaultSLAPolicy(), Secrets: secrets, Router: e.Router()})
	e.SetCommands(cmds)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = e.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	<-e.Ready()
	return e, cmds
}

// folded waits until the engine's view holds everything in the store.
func folded(t *testing.T, store eventlog.EventStore, e *policy.Engine) {
	t.Helper()
	recs, err := store.ReadAll(context.Background(), 0, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	last := int64(recs[len(recs)-1].Position)
	eventually(t, 5*time.Second, "the engine folds the store", func() bool { return e.Stats().Position >= last })
}

func rosterAgent(t *testing.T, cmds *command.Commands, name, team string, roster domain.Roster) uuid.UUID {
	t.Helper()
	ctx := context.Background()
	a, err := cmds.RegisterAgent.Handle(ctx, command.RegisterAgent{Name: name, Email: name + "@example.com", Team: team, Skills: []string{"billing"}, Capacity: 5}, staff)
	if err != nil {
		t.Fatal(err)
	}
	tz := "Asia/Shanghai"
	if _, _, err := cmds.ChangeProfile.Handle(ctx, command.ChangeAgentProfile{AgentID: a.Agent.ID, Timezone: &tz, Roster: &roster}, staff); err != nil {
		t.Fatal(err)
	}
	return a.Agent.ID
}

func agentState(t *testing.T, store eventlog.EventStore, id uuid.UUID) domain.AgentState {
	t.Helper()
	a, err := command.LoadAgent(context.Background(), store, id)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func agentEvents(t *testing.T, store eventlog.EventStore, id uuid.UUID, typ string) int {
	t.Helper()
	recs, err := store.ReadStream(context.Background(), eventlog.AgentStream(id))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range recs {
		if r.Type == typ {
			n++
		}
	}
	return n
}

func routedTicket(t *testing.T, cmds *command.Commands, team string) (uuid.UUID, error) {
	t.Helper()
	id := receive(t, cmds, domain.TierStandard, "invoice")
	classify(t, cmds, id, "billing", domain.P3, team)
	_, err := cmds.Assign.Handle(context.Background(), command.AssignTicket{TicketID: id, Auto: true}, staff)
	return id, err
}

// Shanghai, Monday 7 December 2026: the day shift is 09:00–17:00 (01:00–09:00 UTC).
var (
	shanghai, _ = time.LoadLocation("Asia/Shanghai")
	monday      = func(h, m int) time.Time { return time.Date(2026, 12, 7, h, m, 0, 0, shanghai) }
	dayShift    = domain.Roster{Weekly: map[string][]domain.RosterSpan{"mon": {{Start: "09:00", End: "17:00"}}}}
)

func TestAgentFollowsTheRosterAndGetsNoTicketNearTheShiftsEnd(t *testing.T) {
	ctx := context.Background()
	store, clock := newStore(), eventstoretest.NewClock(monday(8, 0))
	e, cmds := shiftNode(t, store, clock, policy.HandOverQueue)
	a := rosterAgent(t, cmds, "wang", "support", dayShift)

	folded(t, store, e)
	if err := e.ShiftTick(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if agentState(t, store, a).Online {
		t.Fatal("online before the shift")
	}

	clock.Set(monday(9, 0))
	for range 2 { // a second look at the same boundary records nothing
		folded(t, store, e)
		if err := e.ShiftTick(ctx, 0); err != nil {
			t.Fatal(err)
		}
	}
	if !agentState(t, store, a).Online || agentEvents(t, store, a, domain.TypeAgentShiftStarted) != 1 {
		t.Fatalf("at 09:00: online %v, %d shift starts; want online, 1", agentState(t, store, a).Online, agentEvents(t, store, a, domain.TypeAgentShiftStarted))
	}

	clock.Set(monday(10, 0))
	folded(t, store, e)
	early, err := routedTicket(t, cmds, "support")
	if err != nil {
		t.Fatalf("routing at 10:00: %v", err)
	}

	clock.Set(monday(16, 46)) // 14 minutes left: inside the 15-minute margin
	folded(t, store, e)
	if _, err := routedTicket(t, cmds, "support"); !errors.Is(err, command.ErrNoAgentAvailable) {
		t.Fatalf("routing 14 minutes before the shift's end: %v, want no agent available", err)
	}
	clock.Set(monday(16, 44)) // 16 minutes left: routed again
	folded(t, store, e)
	if _, err := routedTicket(t, cmds, "support"); err != nil {
		t.Fatalf("routing 16 minutes before the shift's end: %v", err)
	}

	clock.Set(monday(17, 0))
	folded(t, store, e)
	if err := e.ShiftTick(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if agentState(t, store, a).Online || agentEvents(t, store, a, domain.TypeAgentShiftEnded) != 1 {
		t.Fatal("still online after the shift's end")
	}
	if n := count(t, store, early, domain.TypeTicketUnassigned, map[string]string{"reason": policy.ShiftEndedReason}); n != 1 {
		t.Fatalf("the open ticket was handed back %d times, want once", n)
	}

	// By hand the agent comes back online: that holds until the next boundary.
	if _, err := cmds.SetPresence.Handle(ctx, command.SetAgentPresence{AgentID: a, Online: true}, staff); err != nil {
		t.Fatal(err)
	}
	clock.Set(monday(18, 0))
	folded(t, store, e)
	if err := e.ShiftTick(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if !agentState(t, store, a).Online {
		t.Fatal("the manual presence was overridden before the next boundary")
	}
}

func TestShiftEndHandsTicketsToTheNextShift(t *testing.T) {
	ctx := context.Background()
	store, clock := newStore(), eventstoretest.NewClock(monday(8, 0))
	e, cmds := shiftNode(t, store, clock, policy.HandOverNextShift)
	day := rosterAgent(t, cmds, "day", "support", dayShift)
	late := rosterAgent(t, cmds, "late", "support", domain.Roster{Weekly: map[string][]domain.RosterSpan{"mon": {{Start: "17:00", End: "01:00"}}}})

	clock.Set(monday(9, 0))
	folded(t, store, e)
	if err := e.ShiftTick(ctx, 0); err != nil {
		t.Fatal(err)
	}
	folded(t, store, e)
	id, err := routedTicket(t, cmds, "support")
	if err != nil {
		t.Fatal(err)
	}
	folded(t, store, e)
	if s := ticketState(t, store, id); s.Assignee != day {
		t.Fatalf("routed to %s, want the day shift", s.Assignee)
	}

	clock.Set(monday(17, 0))
	folded(t, store, e)
	if err := e.ShiftTick(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if s := ticketState(t, store, id); s.Assignee != late {
		t.Fatalf("after the day shift the ticket is with %s, want the late shift (%s)", s.Assignee, late)
	}
	if !agentState(t, store, late).Online || agentState(t, store, day).Online {
		t.Fatal("presence did not follow the handover")
	}
}

func TestShiftBoundaryActsOnceAcrossTwoEngines(t *testing.T) {
	ctx := context.Background()
	store, clock := newStore(), eventstoretest.NewClock(monday(8, 0))
	e1, cmds := shiftNode(t, store, clock, policy.HandOverQueue)
	e2, _ := shiftNode(t, store, clock, policy.HandOverQueue)
	a := rosterAgent(t, cmds, "wang", "support", dayShift)
	both := func() {
		t.Helper()
		folded(t, store, e1)
		folded(t, store, e2)
		errs := make(chan error, 2)
		for _, e := range []*policy.Engine{e1, e2} {
			go func() { errs <- e.ShiftTick(ctx, 0) }()
		}
		for range 2 {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
	}
	clock.Set(monday(9, 0))
	both()
	folded(t, store, e1) // the router sees the agent online
	id, err := routedTicket(t, cmds, "support")
	if err != nil {
		t.Fatal(err)
	}
	clock.Set(monday(17, 0))
	both()
	if s, e := agentEvents(t, store, a, domain.TypeAgentShiftStarted), agentEvents(t, store, a, domain.TypeAgentShiftEnded); s != 1 || e != 1 {
		t.Fatalf("%d starts and %d ends recorded by two engines, want 1 and 1", s, e)
	}
	if n := count(t, store, id, domain.TypeTicketUnassigned, nil); n != 1 {
		t.Fatalf("the ticket was handed back %d times, want once", n)
	}
}
