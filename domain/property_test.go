package domain_test

import (
	"errors"
	"math/rand"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/domain"
)

// TestRandomHistories drives a few tickets through thousands of random commands and clock
// steps (fixed seed), applying what each decides, and checks the invariants after every step
// against API.md's matrix and an independent model of the SLA clocks.
func TestRandomHistories(t *testing.T) {
	rng := rand.New(rand.NewSource(20260302))
	tiers := []domain.Tier{domain.TierVIP, domain.TierCore, domain.TierStandard, domain.TierVIP}
	tickets := make([]*fixture, len(tiers))
	for i, tier := range tiers {
		tickets[i] = newFixture(t, tier)
	}
	now := t0
	seen := map[string]int{}
	for step := 0; step < 4000; step++ {
		now = now.Add(randomDelay(rng))
		i := rng.Intn(len(tickets))
		f := tickets[i]
		f.now = now
		if f.state().Status == closed && rng.Intn(4) == 0 {
			checkClosedIsFinal(t, f)
			f = newFixture(t, tiers[i])
			f.now, tickets[i] = now, f
			continue
		}
		name := randomStep(t, rng, f, step)
		now = f.now // a monitor step may have moved this ticket's clock on
		seen[name]++
		checkInvariants(t, f, step)
	}
	for _, name := range []string{"classify", "assign", "escalate", "wait", "resolve", "reopen", "close", "customer reply", "rate", "breach", "warning"} {
		if seen[name] == 0 {
			t.Errorf("the random walk never ran %s", name)
		}
	}
	t.Logf("commands and their events: %v", seen)
}

func randomDelay(rng *rand.Rand) time.Duration {
	switch rng.Intn(5) {
	case 0:
		return 0
	case 1:
		return time.Duration(rng.Intn(10)) * time.Minute
	case 2:
		return time.Duration(rng.Intn(60)) * time.Minute
	case 3:
		return time.Duration(rng.Intn(4*60)) * time.Minute
	}
	return time.Duration(rng.Intn(12)) * time.Hour
}

// randomStep decides one random command (or an SLA monitor check), compares the outcome with
// API.md's matrix, applies the events and checks the status they lead to.
func randomStep(t *testing.T, rng *rand.Rand, f *fixture, step int) string {
	t.Helper()
	before := f.state()
	model := modelOf(f.history)
	if rng.Intn(3) == 0 {
		return monitorStep(t, rng, f, model, step)
	}
	cmds := randomCommands(rng)
	cmd := cmds[rng.Intn(len(cmds))]
	events, err := cmd.run(f)
	allowed := slices.Contains(apiAllowed[cmd.name], before.Status)
	if cmd.name == "rate" {
		allowed = allowed && model.ratedAt < model.resolutions
	}
	if !allowed {
		if !errors.Is(err, domain.ErrInvalidTransition) || events != nil {
			t.Fatalf("step %d: %s from %s: want a refusal, got %v %v", step, cmd.name, before.Status, eventTypes(events), err)
		}
		return cmd.name + " refused"
	}
	if err != nil {
		t.Fatalf("step %d: %s from %s refused: %v", step, cmd.name, before.Status, err)
	}
	if len(events) == 0 && !noOpAllowed(cmd.name, before) {
		t.Fatalf("step %d: %s from %s decided nothing", step, cmd.name, before.Status)
	}
	f.apply(events)
	if len(events) > 0 {
		if got, want := f.state().Status, statusAfter(cmd.name, before); got != want {
			t.Fatalf("step %d: %s from %s led to %s, want %s", step, cmd.name, before.Status, got, want)
		}
	}
	return cmd.name
}

// noOpAllowed: assigning the current assignee and reprioritizing to the same priority decide nothing.
func noOpAllowed(name string, s domain.TicketState) bool {
	return name == "assign" && s.Status == assigned || name == "reprioritize"
}

// statusAfter is API.md's status after, with the assignee and the status before a wait
// deciding where a reopened or answered ticket goes.
func statusAfter(name string, s domain.TicketState) domain.Status {
	if name == "reopen" || name == "customer reply" && s.Status == resolved {
		if s.Assignee == uuid.Nil {
			return classified
		}
		return assigned
	}
	if name == "customer reply" && s.Status == waiting {
		if s.Assignee == uuid.Nil {
			return s.StatusBeforeWait
		}
		return assigned
	}
	return apiStatusAfter(name, s.Status)
}

func randomCommands(rng *rand.Rand) []matrixCommand {
	prio := domain.Priority([]string{"P1", "P2", "P3", "P4"}[rng.Intn(4)])
	agent := []uuid.UUID{agentA, agentB}[rng.Intn(2)]
	team := []string{"", "support", "tier2"}[rng.Intn(3)]
	public := rng.Intn(2) == 0
	return []matrixCommand{
		{name: "classify", run: func(f *fixture) ([]domain.Event, error) {
			return f.tk.Classify(domain.ClassifyTicket{Category: "c", Priority: prio, Team: team}, f.policy)
		}},
		{name: "reprioritize", run: func(f *fixture) ([]domain.Event, error) { return f.tk.Reprioritize(prio, "r", f.policy) }},
		{name: "assign", run: func(f *fixture) ([]domain.Event, error) { return f.tk.Assign(domain.AssignTicket{AgentID: agent}) }},
		{name: "escalate", run: func(f *fixture) ([]domain.Event, error) {
			return f.tk.Escalate(domain.EscalateTicket{Team: team, Reason: "r"}, f.now, f.policy)
		}},
		{name: map[bool]string{true: "reply public", false: "reply internal"}[public], run: func(f *fixture) ([]domain.Event, error) {
			return f.tk.Reply("b", public)
		}},
		{name: "wait", run: func(f *fixture) ([]domain.Event, error) { return f.tk.Wait("w") }},
		{name: "resolve", run: func(f *fixture) ([]domain.Event, error) { return f.tk.Resolve("r") }},
		{name: "reopen", run: func(f *fixture) ([]domain.Event, error) { return f.tk.Reopen("", f.now, f.policy) }},
		{name: "close", run: func(f *fixture) ([]domain.Event, error) { return f.tk.Close() }},
		{name: "customer reply", run: func(f *fixture) ([]domain.Event, error) { return f.tk.CustomerReply("c", f.now, f.policy) }},
		{name: "rate", run: func(f *fixture) ([]domain.Event, error) { return f.tk.Rate(1+rng.Intn(5), nil, "") }},
	}
}

// checkClosedIsFinal: on a closed ticket every command is refused, except the one rating
// API.md allows per resolution.
func checkClosedIsFinal(t *testing.T, f *fixture) {
	t.Helper()
	for _, cmd := range matrixCommands() {
		events, err := cmd.run(f)
		if cmd.name == "rate" && f.state().RatedFor < f.state().Resolutions {
			continue
		}
		if !errors.Is(err, domain.ErrInvalidTransition) || events != nil {
			t.Fatalf("%s on a closed ticket: %v %v", cmd.name, eventTypes(events), err)
		}
	}
}
