package domain_test

import (
	"math/rand"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/domain"
)

// monitorStep asks the ticket for an SLA breach or warning on a random clock and checks the
// answer against the clock model: a breach fires exactly when a running, unpaused clock is
// over its target and no breach is recorded yet; a warning only past the warning share.
func monitorStep(t *testing.T, rng *rand.Rand, f *fixture, model *clockModel, step int) string {
	t.Helper()
	clock := []string{frClock, resClock}[rng.Intn(2)]
	if frRun, _ := model.running(); !frRun {
		clock = resClock
	}
	jumped := rng.Intn(2) == 0 && !model.waiting() && jumpNearWarning(rng, f, model, clock)
	s := f.state()
	frRun, resRun := model.running()
	frOver, resOver := model.breached(f.policy, f.now)
	running, over, recorded := frRun, frOver, s.FirstResponseBreached
	if clock == resClock {
		running, over, recorded = resRun, resOver, s.ResolutionBreached
	}
	if !jumped && rng.Intn(2) == 0 {
		ev := f.tk.RecordSLABreach(clock, f.now, f.policy)
		want := running && !model.waiting() && over && !recorded
		if (len(ev) > 0) != want {
			t.Fatalf("step %d: %s breach at %v: got %v, want events %v (running %v, waiting %v, over %v, recorded %v)",
				step, clock, f.now, eventTypes(ev), want, running, model.waiting(), over, recorded)
		}
		if !want {
			return "breach none"
		}
		checkBreachEvents(t, f, s, clock, ev, step)
		f.apply(ev)
		if again := f.tk.RecordSLABreach(clock, f.now, f.policy); again != nil {
			t.Fatalf("step %d: second %s breach: %v", step, clock, eventTypes(again))
		}
		return "breach"
	}
	ev := f.tk.RecordSLAWarning(clock, f.now, f.policy)
	fr, res := s.Clocks(f.now)
	c, warned := fr, s.FirstResponseWarned
	if clock == resClock {
		c, warned = res, s.ResolutionWarned
	}
	active, target := model.elapsed(f.policy, clock, f.now)
	threshold := time.Duration(float64(target) * f.policy.WarningShare)
	eligible := running && !model.waiting() && !over && !recorded
	if len(ev) > 0 {
		e := only[domain.SLAWarningIssued](t, ev)
		if !eligible || active < threshold-time.Millisecond || e.Clock != clock || !e.Due.Equal(c.Due) {
			t.Fatalf("step %d: warning %+v: eligible %v, active %v of threshold %v, due %v", step, e, eligible, active, threshold, c.Due)
		}
		f.apply(ev)
		if again := f.tk.RecordSLAWarning(clock, f.now, f.policy); again != nil {
			t.Fatalf("step %d: second warning: %v", step, eventTypes(again))
		}
		return "warning"
	}
	if eligible && active > threshold+time.Millisecond && !warned.Equal(c.Due) {
		t.Fatalf("step %d: no %s warning at %v past the threshold %v (due %v, warned %v)", step, clock, active, threshold, c.Due, warned)
	}
	return "warning none"
}

// jumpNearWarning moves the clock to just around the warning point of a clock, so the
// narrow window between the warning share and the due time is visited often.
func jumpNearWarning(rng *rand.Rand, f *fixture, model *clockModel, clock string) bool {
	active, target := model.elapsed(f.policy, clock, f.now)
	left := time.Duration(float64(target)*f.policy.WarningShare) - active
	if left <= 0 {
		return false
	}
	f.now = f.now.Add(left + time.Duration(rng.Intn(5)-1)*time.Minute)
	return true
}

func checkBreachEvents(t *testing.T, f *fixture, s domain.TicketState, clock string, ev []domain.Event, step int) {
	t.Helper()
	want := []string{"SLABreached"}
	if s.Status != escalated {
		want = append(want, "TicketEscalated")
	}
	if got := eventTypes(ev); !sameStrings(got, want) {
		t.Fatalf("step %d: breach from %s decided %v, want %v", step, s.Status, got, want)
	}
	if b := ev[0].(domain.SLABreached); b.Clock != clock {
		t.Fatalf("step %d: breached %+v", step, b)
	}
	if len(ev) == 2 {
		e := ev[1].(domain.TicketEscalated)
		if e.Reason != "sla_breach" || e.Team != f.policy.EscalationTeam || e.Level != s.EscalationLevel+1 {
			t.Fatalf("step %d: escalated %+v from level %d", step, e, s.EscalationLevel)
		}
	}
}

// checkInvariants holds after every step of every history.
func checkInvariants(t *testing.T, f *fixture, step int) {
	t.Helper()
	s := f.state()
	if s.Version != int64(len(f.history)-1) {
		t.Fatalf("step %d: version %d after %d events", step, s.Version, len(f.history))
	}
	if !slices.Contains(allStatuses, s.Status) {
		t.Fatalf("step %d: status %q", step, s.Status)
	}
	model := modelOf(f.history)
	if (s.Status == waiting) != !s.WaitingSince.IsZero() || (s.Status == waiting) != model.waiting() {
		t.Fatalf("step %d: status %s, waiting since %v, model waiting %v", step, s.Status, s.WaitingSince, model.waiting())
	}
	checkClosedHistory(t, f, step)
	refold := domain.NewTicket()
	for _, r := range f.history {
		refold.Apply(r.e, r.at)
	}
	if !reflect.DeepEqual(refold.State(), s) {
		t.Fatalf("step %d: folding from scratch differs\nscratch %+v\n   live %+v", step, refold.State(), s)
	}
	checkClocks(t, f, model, step)
}

// checkClosedHistory: after TicketClosed, only a rating may follow, and the status stays closed.
func checkClosedHistory(t *testing.T, f *fixture, step int) {
	t.Helper()
	closedAt := -1
	for i, r := range f.history {
		if _, ok := r.e.(domain.TicketClosed); ok && closedAt < 0 {
			closedAt = i
			continue
		}
		if _, ok := r.e.(domain.TicketRated); closedAt >= 0 && !ok {
			t.Fatalf("step %d: %s after TicketClosed", step, r.e.EventType())
		}
	}
	if closedAt >= 0 && f.state().Status != closed {
		t.Fatalf("step %d: closed ticket is %s", step, f.state().Status)
	}
}

// checkClocks: breach flags are set only by SLABreached events (the resolution one cleared
// by reopening), and Clocks reports a breach exactly when one is recorded or the model says
// the clock ran over its target outside waits.
func checkClocks(t *testing.T, f *fixture, model *clockModel, step int) {
	t.Helper()
	s := f.state()
	if s.FirstResponseBreached != (model.frBreachEvents > 0) || model.frBreachEvents > 1 {
		t.Fatalf("step %d: first response breached %v after %d SLABreached", step, s.FirstResponseBreached, model.frBreachEvents)
	}
	if s.ResolutionBreached != (model.resBreachSinceReopen > 0) || model.resBreachSinceReopen > 1 {
		t.Fatalf("step %d: resolution breached %v after %d SLABreached", step, s.ResolutionBreached, model.resBreachSinceReopen)
	}
	fr, res := s.Clocks(f.now)
	frOver, resOver := model.breached(f.policy, f.now)
	frRun, resRun := model.running()
	if fr.Breached != (s.FirstResponseBreached || frOver) || fr.Running != frRun {
		t.Fatalf("step %d at %v: first response clock %+v, model over %v running %v, recorded %v\nstate %+v",
			step, f.now, fr, frOver, frRun, s.FirstResponseBreached, s)
	}
	if res.Breached != (s.ResolutionBreached || resOver) || res.Running != resRun {
		t.Fatalf("step %d at %v: resolution clock %+v, model over %v running %v, recorded %v\nstate %+v",
			step, f.now, res, resOver, resRun, s.ResolutionBreached, s)
	}
}
