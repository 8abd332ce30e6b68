package domain_test

import (
	"testing"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/domain"
)

func (f *fixture) rate(t *testing.T, score int) error {
	t.Helper()
	f.advance(m)
	ev, err := f.tk.Rate(score, nil, "")
	if err == nil {
		f.apply(ev)
	}
	return err
}

func TestRatingOncePerResolution(t *testing.T) {
	f := ticketIn(t, resolved)
	if err := f.rate(t, 4); err != nil {
		t.Fatalf("first rating: %v", err)
	}
	wantTransitionError(t, f.rate(t, 5), resolved)
	// Reopened and resolved again: a new resolution may be rated once more, also when closed.
	f.advance(m)
	ev, err := f.tk.Reopen("not fixed", f.now, f.policy)
	f.must(t, "reopen", ev, err)
	wantTransitionError(t, f.rate(t, 1), assigned)
	f.resolve(t)
	f.close(t)
	if err := f.rate(t, 2); err != nil {
		t.Fatalf("rating the second resolution: %v", err)
	}
	wantTransitionError(t, f.rate(t, 3), closed)
	if s := f.state(); s.Resolutions != 2 || s.RatedFor != 2 {
		t.Fatalf("resolutions %d, rated for %d", s.Resolutions, s.RatedFor)
	}
}

func TestRatingAfterCloseWithoutEarlierRating(t *testing.T) {
	f := ticketIn(t, closed)
	if err := f.rate(t, 5); err != nil {
		t.Fatalf("rating a closed, unrated ticket: %v", err)
	}
	wantTransitionError(t, f.rate(t, 5), closed)
}

func TestCustomerReplyReopensResolved(t *testing.T) {
	f := ticketIn(t, resolved)
	f.advance(h)
	ev, err := f.tk.CustomerReply("还是不行", f.now, f.policy)
	f.must(t, "customer reply", ev, err)
	if got := eventTypes(ev); !sameStrings(got, []string{"CustomerReplied", "TicketReopened"}) {
		t.Fatalf("events %v", got)
	}
	r := ev[1].(domain.TicketReopened)
	if r.Reason != "customer replied" || !r.SLA.ResolutionDue.Equal(f.now.Add(8*h)) {
		t.Fatalf("reopened %+v", r)
	}
	if s := f.state(); s.Status != assigned || s.Assignee != agentA || !s.Reopened {
		t.Fatalf("state %+v", s)
	}
}

// TestWaitWithoutAssigneeReturnsToEscalated: a ticket escalated to another team has no
// assignee; when the customer answers, it goes back to escalated, not to assigned.
func TestWaitWithoutAssigneeReturnsToEscalated(t *testing.T) {
	f := ticketIn(t, escalated)
	if f.state().Assignee != uuid.Nil {
		t.Fatal("escalation to another team kept the assignee")
	}
	f.wait(t)
	f.advance(h)
	ev, err := f.tk.CustomerReply("here", f.now, f.policy)
	f.must(t, "customer reply", ev, err)
	if s := f.state(); s.Status != escalated || !s.WaitingSince.IsZero() {
		t.Fatalf("status %s waiting since %v", s.Status, s.WaitingSince)
	}
}

func TestReopenWithoutAgentGoesToClassified(t *testing.T) {
	f := ticketIn(t, escalated)
	f.resolve(t)
	f.advance(m)
	ev, err := f.tk.Reopen("", f.now, f.policy)
	f.must(t, "reopen", ev, err)
	if s := f.state(); s.Status != classified {
		t.Fatalf("status %s", s.Status)
	}
}

func TestEscalationToOwnTeamKeepsAssignee(t *testing.T) {
	f := ticketIn(t, assigned)
	f.escalate(t, "support")
	if s := f.state(); s.Assignee != agentA || s.Team != "support" || s.EscalationLevel != 1 {
		t.Fatalf("state %+v", s)
	}
	f.advance(m)
	ev, err := f.tk.Escalate(domain.EscalateTicket{Reason: "again"}, f.now, f.policy)
	wantTransitionError(t, err, escalated)
	if ev != nil {
		t.Fatal("events on a refused escalation")
	}
}

func TestAssignSameAgentIsNoOp(t *testing.T) {
	f := ticketIn(t, assigned)
	ev, err := f.tk.Assign(domain.AssignTicket{AgentID: agentA})
	if err != nil || ev != nil {
		t.Fatalf("re-assigning the assignee: %v %v", eventTypes(ev), err)
	}
	// From escalated the same agent is a real assignment: the status changes.
	e := ticketIn(t, assigned)
	e.escalate(t, "support")
	ev, err = e.tk.Assign(domain.AssignTicket{AgentID: agentA, Auto: true, Rule: "skills"})
	if a := only[domain.TicketAssigned](t, e.must(t, "assign", ev, err)); !a.Auto || a.Rule != "skills" {
		t.Fatalf("assigned %+v", a)
	}
	if e.state().Status != assigned {
		t.Fatalf("status %s", e.state().Status)
	}
}

func TestClassifyKeepsTeamWhenNoneGiven(t *testing.T) {
	f := ticketIn(t, received)
	if f.state().Team != "support" {
		t.Fatalf("a new ticket's team is %q, want support", f.state().Team)
	}
	f.classify(t, domain.P1)
	if s := f.state(); s.Team != "support" || s.Category != "login" || s.Priority != domain.P1 {
		t.Fatalf("state %+v", s)
	}
}
