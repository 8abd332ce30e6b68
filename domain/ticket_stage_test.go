package domain_test

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/domain"
)

// A received ticket not classified within 15 min is escalated once, naming the rule.
func TestStageLimitEscalatesOncePerDueTime(t *testing.T) {
	f := newFixture(t, domain.TierStandard)
	f.policy.Stages = []domain.StageRule{{Name: "triage", Stage: domain.StatusReceived, After: 15 * time.Minute, Action: domain.StageEscalate}}
	if got := f.tk.CheckStage(t0.Add(11*time.Minute), f.policy); len(got) != 0 {
		t.Fatalf("before the warning point (80 %% of 15 min): %v", got)
	}
	f.now = t0.Add(12 * time.Minute)
	warned := f.tk.CheckStage(f.now, f.policy)
	if w, ok := warned[0].(domain.StageWarningIssued); len(warned) != 1 || !ok || w.Rule != "triage" || !w.Due.Equal(t0.Add(15*time.Minute)) {
		t.Fatalf("at the warning point: %#v", warned)
	}
	f.apply(warned)
	if again := f.tk.CheckStage(t0.Add(14*time.Minute), f.policy); len(again) != 0 {
		t.Fatalf("warned twice: %v", again)
	}
	if due := f.tk.State().StageDue(f.policy.Stages[0], f.policy); !due.Equal(t0.Add(15 * time.Minute)) {
		t.Fatalf("stage due %v", due)
	}
	f.now = t0.Add(16 * time.Minute)
	got := f.tk.CheckStage(f.now, f.policy)
	if len(got) != 2 {
		t.Fatalf("events %v, want the stage event and an escalation", got)
	}
	passed, ok := got[0].(domain.StageDeadlinePassed)
	esc, ok2 := got[1].(domain.TicketEscalated)
	if !ok || !ok2 || passed.Rule != "triage" || !passed.Due.Equal(t0.Add(15*time.Minute)) || esc.Reason != domain.StageLimitReason {
		t.Fatalf("events %#v", got)
	}
	f.apply(got)
	if again := f.tk.CheckStage(f.now.Add(time.Hour), f.policy); len(again) != 0 {
		t.Fatalf("after acting: %v", again)
	}
}

// The same rule acts again when the ticket enters its stage again (a new due time): an
// escalated ticket put on hold and answered is escalated again from the answer.
func TestStageLimitActsAgainInANewStage(t *testing.T) {
	f := newFixture(t, domain.TierStandard)
	f.policy.Stages = []domain.StageRule{{Name: "new_team", Stage: domain.StatusEscalated, After: time.Hour, Action: domain.StageNotify}}
	must := func(ev []domain.Event, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		f.apply(ev)
	}
	must(f.tk.Escalate(domain.EscalateTicket{Team: "tier2", Reason: "hard"}, f.now, f.policy))
	f.now = t0.Add(2 * time.Hour)
	first := f.tk.CheckStage(f.now, f.policy)
	f.apply(first)
	if len(first) != 1 || len(f.tk.CheckStage(f.now.Add(time.Hour), f.policy)) != 0 {
		t.Fatalf("first time in the stage: %v", first)
	}
	must(f.tk.Wait("logs?"))
	f.now = t0.Add(3 * time.Hour)
	must(f.tk.CustomerReply("here", f.now, f.policy))
	if f.tk.State().Status != domain.StatusEscalated {
		t.Fatalf("status %s", f.tk.State().Status)
	}
	if got := f.tk.CheckStage(f.now.Add(59*time.Minute), f.policy); len(got) != 1 || got[0].EventType() != domain.TypeStageWarningIssued {
		t.Fatalf("before the new due, a warning only: %v", got)
	}
	again := f.tk.CheckStage(f.now.Add(61*time.Minute), f.policy)
	if len(again) != 1 || !again[0].(domain.StageDeadlinePassed).Due.Equal(f.now.Add(time.Hour)) {
		t.Fatalf("second time in the stage: %v", again)
	}
}

func TestStageDeadlinePassedRoundTrips(t *testing.T) {
	e := domain.StageDeadlinePassed{Rule: "waiting_silence", Stage: domain.StatusWaiting, Due: t0, Action: domain.StageResolve}
	b, _ := json.Marshal(e)
	got, err := domain.DecodeTicketEvent(domain.TypeStageDeadlinePassed, b)
	if err != nil || !reflect.DeepEqual(got, e) {
		t.Fatalf("%#v %v", got, err)
	}
}

// The escalated stage ends when the new team answers the customer: no limit passes after.
func TestEscalatedStageEndsWithTheNewTeamsAnswer(t *testing.T) {
	f := newFixture(t, domain.TierStandard)
	f.policy.Stages = []domain.StageRule{{Name: "new_team_answers", Stage: domain.StatusEscalated, After: time.Hour, Action: domain.StageEscalate}}
	ev, err := f.tk.Escalate(domain.EscalateTicket{Team: "tier2", Reason: "hard"}, f.now, f.policy)
	if err != nil {
		t.Fatal(err)
	}
	f.apply(ev)
	if got := f.tk.CheckStage(f.now.Add(2*time.Hour), f.policy); len(got) == 0 {
		t.Fatal("unanswered: the limit should pass")
	}
	ev, err = f.tk.Reply("我们正在处理", true)
	if err != nil {
		t.Fatal(err)
	}
	f.apply(ev)
	if got := f.tk.CheckStage(f.now.Add(2*time.Hour), f.policy); len(got) != 0 {
		t.Fatalf("answered, yet %v", got)
	}
}
