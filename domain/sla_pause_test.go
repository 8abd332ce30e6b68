package domain_test

import (
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/domain"
)

// The cases below pin the pause rule at its edges: a clock is breached when the time it ran
// outside waits exceeds its target. Waiting neither counts nor forgives.

// TestResolveWhileWaitingDiscountsTheWait: resolving a waiting ticket ends the wait, and the
// time waited must not make the resolution (or a first response met by it) late.
func TestResolveWhileWaitingDiscountsTheWait(t *testing.T) {
	f := coreWaiting(t, t0.Add(30*m)) // 30 min ran; first response 1 h, resolution 8 h
	f.now = t0.Add(20 * h)
	ev, err := f.tk.Resolve("customer confirmed by phone")
	f.must(t, "resolve", ev, err)
	s := f.state()
	fr, res := s.Clocks(f.now)
	if fr.Breached || res.Breached {
		t.Fatalf("resolved after 30 min of work and a long wait: first response %+v, resolution %+v", fr, res)
	}
	if s.Paused != 19*h+30*m || !s.WaitingSince.IsZero() {
		t.Fatalf("paused %v, waiting since %v", s.Paused, s.WaitingSince)
	}
	if want := t0.Add(8*h + 19*h + 30*m); !s.SLA.ResolutionDue.Equal(want) {
		t.Errorf("resolution due %v, want %v", s.SLA.ResolutionDue, want)
	}
}

// TestResolveWhileWaitingAfterBreachStaysBreached: a clock already past due when the wait
// began stays breached.
func TestResolveWhileWaitingAfterBreachStaysBreached(t *testing.T) {
	f := coreWaiting(t, t0.Add(9*h))
	f.now = t0.Add(12 * h)
	ev, err := f.tk.Resolve("done")
	f.must(t, "resolve", ev, err)
	if _, res := f.state().Clocks(f.now); !res.Breached {
		t.Fatalf("resolution after 9 h of work on an 8 h target: %+v", res)
	}
}

// TestLateFirstResponseNotForgivenByWait: a first response given late stays late when the
// ticket waits afterwards; the wait must not move a due that had already passed.
func TestLateFirstResponseNotForgivenByWait(t *testing.T) {
	f := ticketIn(t, assigned) // core P2: first response due t0+1h
	f.replyAt(t, t0.Add(2*h), "sorry for the delay", true)
	f.now = t0.Add(2*h + 30*m)
	ev, err := f.tk.Wait("waiting for logs")
	f.must(t, "wait", ev, err)
	if fr, _ := f.state().Clocks(t0.Add(4 * h)); !fr.Breached {
		t.Fatalf("late first response forgiven during the wait: %+v", fr)
	}
	e := only[domain.CustomerReplied](t, f.customerReplyAt(t, t0.Add(5*h), "logs attached"))
	if !e.SLA.FirstResponseDue.Equal(t0.Add(h)) {
		t.Errorf("passed first response due moved to %v", e.SLA.FirstResponseDue)
	}
	if want := t0.Add(8*h + 2*h + 30*m); !e.SLA.ResolutionDue.Equal(want) {
		t.Errorf("running resolution due %v, want %v", e.SLA.ResolutionDue, want)
	}
	if fr, _ := f.state().Clocks(f.now); !fr.Breached {
		t.Fatalf("late first response forgiven after the wait: %+v", fr)
	}
}

// TestFirstResponseDuringWaitAfterDue: the clock was already past due when the wait began;
// a reply during the wait is late however long the wait lasts.
func TestFirstResponseDuringWaitAfterDue(t *testing.T) {
	f := coreWaiting(t, t0.Add(2*h))
	f.replyAt(t, t0.Add(3*h), "here is what we found", true)
	for _, at := range []time.Time{t0.Add(3 * h), t0.Add(20 * h)} {
		if fr, _ := f.state().Clocks(at); !fr.Breached {
			t.Fatalf("at %v: first response after 2 h of work on a 1 h target: %+v", at, fr)
		}
	}
	f.customerReplyAt(t, t0.Add(20*h), "thanks")
	if fr, _ := f.state().Clocks(f.now); !fr.Breached {
		t.Fatalf("after the wait: %+v", fr)
	}
}

// TestFirstResponseDuringWaitInTime: the clock had time left when the wait began, so a
// reply during the wait is in time, however long the wait.
func TestFirstResponseDuringWaitInTime(t *testing.T) {
	f := coreWaiting(t, t0.Add(30*m))
	f.replyAt(t, t0.Add(6*h), "here is what we found", true)
	f.customerReplyAt(t, t0.Add(20*h), "thanks")
	if fr, _ := f.state().Clocks(f.now); fr.Breached {
		t.Fatalf("reply after 30 min of work on a 1 h target: %+v", fr)
	}
}

// TestEscalateWhileWaitingResumes: escalation ends a wait; its event carries the shifted dues.
func TestEscalateWhileWaitingResumes(t *testing.T) {
	f := coreWaiting(t, t0.Add(30*m))
	f.now = t0.Add(2*h + 30*m)
	ev, err := f.tk.Escalate(domain.EscalateTicket{Reason: "客户投诉"}, f.now, f.policy)
	e := only[domain.TicketEscalated](t, f.must(t, "escalate", ev, err))
	want := domain.SLADue{FirstResponseDue: t0.Add(3 * h), ResolutionDue: t0.Add(10 * h)}
	if e.SLA == nil || *e.SLA != want || e.Team != "escalations" || e.Level != 1 {
		t.Fatalf("escalated %+v (sla %v), want dues %+v to escalations at level 1", e, e.SLA, want)
	}
	if s := f.state(); s.SLA != want || !s.WaitingSince.IsZero() || s.Paused != 2*h || s.Status != escalated {
		t.Fatalf("state %+v", s)
	}
}
