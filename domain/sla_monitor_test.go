package domain_test

import (
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/domain"
)

const (
	frClock  = domain.ClockFirstResponse
	resClock = domain.ClockResolution
)

// classifiedCoreP2 is classified at t0+1m: first response due t0+1h, resolution t0+8h;
// warnings at 80 %: t0+48m and t0+6h24m.
func classifiedCoreP2(t *testing.T) *fixture { return ticketIn(t, classified) }

func TestWarningFiresOncePerDue(t *testing.T) {
	f := classifiedCoreP2(t)
	if ev := f.tk.RecordSLAWarning(frClock, t0.Add(48*m-time.Nanosecond), f.policy); ev != nil {
		t.Fatalf("warning before 80%%: %v", eventTypes(ev))
	}
	f.now = t0.Add(48 * m)
	ev := f.tk.RecordSLAWarning(frClock, f.now, f.policy)
	if e := only[domain.SLAWarningIssued](t, ev); e.Clock != frClock || !e.Due.Equal(t0.Add(h)) {
		t.Fatalf("warning %+v", e)
	}
	f.apply(ev)
	if ev := f.tk.RecordSLAWarning(frClock, t0.Add(50*m), f.policy); ev != nil {
		t.Fatalf("second warning for the same due: %v", eventTypes(ev))
	}
	// The resolution clock warns on its own schedule.
	if ev := f.tk.RecordSLAWarning(resClock, t0.Add(6*h+23*m), f.policy); ev != nil {
		t.Fatalf("resolution warning early: %v", eventTypes(ev))
	}
	// A new due (lower priority) is a new due time: it is warned about once more.
	f.now = t0.Add(55 * m)
	evs, err := f.tk.Classify(domain.ClassifyTicket{Category: "c", Priority: domain.P4}, f.policy)
	f.must(t, "classify", evs, err)
	if ev := f.tk.RecordSLAWarning(frClock, t0.Add(3*h+11*m), f.policy); ev != nil {
		t.Fatalf("warning before 80%% of the new target: %v", eventTypes(ev))
	}
	ev = f.tk.RecordSLAWarning(frClock, t0.Add(3*h+12*m), f.policy)
	if e := only[domain.SLAWarningIssued](t, ev); !e.Due.Equal(t0.Add(4 * h)) {
		t.Fatalf("warning for the new due %+v", e)
	}
}

func TestNoWarningWhenNotRunning(t *testing.T) {
	p := domain.DefaultSLAPolicy()
	w := coreWaiting(t, t0.Add(30*m))
	if ev := w.tk.RecordSLAWarning(frClock, t0.Add(59*m), p); ev != nil {
		t.Errorf("warning while waiting: %v", eventTypes(ev))
	}
	r := classifiedCoreP2(t)
	r.replyAt(t, t0.Add(10*m), "hi", true)
	if ev := r.tk.RecordSLAWarning(frClock, t0.Add(50*m), p); ev != nil {
		t.Errorf("warning on a met clock: %v", eventTypes(ev))
	}
	b := classifiedCoreP2(t)
	if ev := b.tk.RecordSLAWarning(frClock, t0.Add(h+time.Second), p); ev != nil {
		t.Errorf("warning on a breached clock: %v", eventTypes(ev))
	}
	done := ticketIn(t, resolved)
	if ev := done.tk.RecordSLAWarning(resClock, t0.Add(7*h), p); ev != nil {
		t.Errorf("warning on a resolved ticket: %v", eventTypes(ev))
	}
}

func TestBreachEscalatesOnce(t *testing.T) {
	f := classifiedCoreP2(t)
	if ev := f.tk.RecordSLABreach(frClock, t0.Add(h), f.policy); ev != nil {
		t.Fatalf("breach at the due time itself: %v", eventTypes(ev))
	}
	f.now = t0.Add(h + time.Millisecond)
	ev := f.tk.RecordSLABreach(frClock, f.now, f.policy)
	if got := eventTypes(ev); !sameStrings(got, []string{"SLABreached", "TicketEscalated"}) {
		t.Fatalf("events %v", got)
	}
	if b := ev[0].(domain.SLABreached); b.Clock != frClock || !b.Due.Equal(t0.Add(h)) {
		t.Errorf("breached %+v", b)
	}
	if e := ev[1].(domain.TicketEscalated); e.Reason != "sla_breach" || e.Team != "escalations" || e.Level != 1 || e.SLA != nil {
		t.Errorf("escalated %+v", e)
	}
	f.apply(ev)
	s := f.state()
	if !s.FirstResponseBreached || s.Status != escalated || s.EscalationLevel != 1 || !s.Escalated || s.Team != "escalations" {
		t.Fatalf("state after breach %+v", s)
	}
	if ev := f.tk.RecordSLABreach(frClock, t0.Add(2*h), f.policy); ev != nil {
		t.Fatalf("second breach of the same clock: %v", eventTypes(ev))
	}
	// The resolution breach on the now escalated ticket is recorded without a second escalation.
	f.now = t0.Add(8*h + time.Second)
	ev = f.tk.RecordSLABreach(resClock, f.now, f.policy)
	if b := only[domain.SLABreached](t, ev); b.Clock != resClock || !b.Due.Equal(t0.Add(8*h)) {
		t.Fatalf("resolution breach %+v", b)
	}
	f.apply(ev)
	if s := f.state(); !s.ResolutionBreached || s.EscalationLevel != 1 {
		t.Fatalf("state %+v", s)
	}
}

// TestBreachRaisesLevelWithPolicyTeam: a ticket escalated once and assigned back is escalated
// to the policy's team at level 2 when it breaches.
func TestBreachRaisesLevelWithPolicyTeam(t *testing.T) {
	f := ticketIn(t, escalated)
	f.policy.EscalationTeam = "night-shift"
	f.assign(t, agentB)
	f.now = t0.Add(h + time.Second)
	ev := f.tk.RecordSLABreach(frClock, f.now, f.policy)
	if len(ev) != 2 {
		t.Fatalf("events %v", eventTypes(ev))
	}
	if e := ev[1].(domain.TicketEscalated); e.Team != "night-shift" || e.Level != 2 || e.Reason != domain.SLABreachReason {
		t.Fatalf("escalated %+v", e)
	}
}

func TestBreachOnEscalatedTicketDoesNotEscalate(t *testing.T) {
	f := ticketIn(t, escalated)
	f.now = t0.Add(8*h + time.Second)
	ev := f.tk.RecordSLABreach(resClock, f.now, f.policy)
	only[domain.SLABreached](t, ev)
	f.apply(ev)
	if s := f.state(); s.Status != escalated || s.EscalationLevel != 1 || !s.ResolutionBreached {
		t.Fatalf("state %+v", s)
	}
}

func TestNoBreachWhenWaitingOrMet(t *testing.T) {
	p := domain.DefaultSLAPolicy()
	w := coreWaiting(t, t0.Add(30*m))
	for _, c := range []string{frClock, resClock} {
		if ev := w.tk.RecordSLABreach(c, t0.Add(100*h), p); ev != nil {
			t.Errorf("%s breach while waiting: %v", c, eventTypes(ev))
		}
	}
	r := classifiedCoreP2(t)
	r.replyAt(t, t0.Add(10*m), "hi", true)
	if ev := r.tk.RecordSLABreach(frClock, t0.Add(5*h), p); ev != nil {
		t.Errorf("breach of a met first response: %v", eventTypes(ev))
	}
	done := ticketIn(t, resolved)
	for _, c := range []string{frClock, resClock} {
		if ev := done.tk.RecordSLABreach(c, t0.Add(100*h), p); ev != nil {
			t.Errorf("%s breach on a resolved ticket: %v", c, eventTypes(ev))
		}
	}
	gone := ticketIn(t, closed)
	if ev := gone.tk.RecordSLABreach(resClock, t0.Add(100*h), p); ev != nil {
		t.Errorf("breach on a closed ticket: %v", eventTypes(ev))
	}
}

// TestReopenClearsResolutionBreach: a reopened ticket has a new resolution clock, so an old
// breach no longer marks it, while a breached first response stays breached.
func TestReopenClearsResolutionBreach(t *testing.T) {
	f := ticketIn(t, assigned)
	f.now = t0.Add(9 * h)
	for _, c := range []string{frClock, resClock} {
		f.apply(f.tk.RecordSLABreach(c, f.now, f.policy))
	}
	if s := f.state(); !s.FirstResponseBreached || !s.ResolutionBreached {
		t.Fatalf("breaches not recorded: %+v", s)
	}
	f.resolve(t)
	f.advance(h)
	ev, err := f.tk.Reopen("", f.now, f.policy)
	f.must(t, "reopen", ev, err)
	s := f.state()
	fr, res := s.Clocks(f.now)
	if s.ResolutionBreached || res.Breached || !res.Running || !s.FirstResponseBreached || !fr.Breached {
		t.Fatalf("after reopen: state %+v clocks %+v %+v", s, fr, res)
	}
}

func TestNextDue(t *testing.T) {
	f := classifiedCoreP2(t)
	if got := f.state().NextDue(t0); !got.Equal(t0.Add(h)) {
		t.Errorf("next due %v, want the first response", got)
	}
	f.replyAt(t, t0.Add(10*m), "hi", true)
	if got := f.state().NextDue(f.now); !got.Equal(t0.Add(8 * h)) {
		t.Errorf("next due %v, want the resolution", got)
	}
	if got := ticketIn(t, resolved).state().NextDue(t0); !got.IsZero() {
		t.Errorf("resolved ticket next due %v", got)
	}
}
