package domain_test

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/domain"
)

// officeHours is Monday to Friday 09:00–18:00 UTC.
func officeHours(t *testing.T) *domain.Calendar {
	t.Helper()
	day := []string{"09:00-18:00"}
	cal, err := domain.NewCalendar(domain.CalendarSpec{Name: "office", TimeZone: "UTC",
		Hours: map[string][]string{"mon": day, "tue": day, "wed": day, "thu": day, "fri": day}}, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	return cal
}

// The resolutions carry the KPI working times: the first one is also the first response
// (no reply came before it); after a reopening the resolution still counts from receipt
// and leaves out the waits of both rounds.
func TestResolutionsCarryTheKPIWorkingTimes(t *testing.T) {
	f := newFixture(t, domain.TierStandard) // Monday 2 March 2026 09:00
	cal := officeHours(t)
	f.policy.Calendars = map[string]*domain.Calendar{cal.Name: cal}
	f.policy.BusinessTime = []domain.CalendarRule{{Calendar: cal.Name}}
	at := func(day, hour int) time.Time { return time.Date(2026, 3, day, hour, 0, 0, 0, time.UTC) }
	f.assign(t, agentA)
	f.now = at(2, 10)
	ev, err := f.tk.Wait("截图?")
	f.must(t, "wait", ev, err)
	f.customerReplyAt(t, at(2, 12), "截图") // 2 h waited
	f.now = at(2, 14)
	ev, err = f.tk.ResolveAt("done", f.now, f.policy)
	first := f.must(t, "resolve", ev, err)[0].(domain.TicketResolved)
	if first.FirstResponseWork == nil || *first.FirstResponseWork != 5*time.Hour || first.ResolutionWork == nil || *first.ResolutionWork != 3*time.Hour {
		t.Fatalf("first resolution carries %v and %v, want 5h and 3h", first.FirstResponseWork, first.ResolutionWork)
	}
	f.now = at(3, 9)
	ev, err = f.tk.Reopen("again", f.now, f.policy)
	f.must(t, "reopen", ev, err)
	f.now = at(3, 10)
	ev, err = f.tk.Wait("日志?")
	f.must(t, "wait", ev, err)
	f.customerReplyAt(t, at(3, 11), "日志") // 1 h waited
	f.now = at(3, 15)
	ev, err = f.tk.ResolveAt("done again", f.now, f.policy)
	second := f.must(t, "resolve", ev, err)[0].(domain.TicketResolved)
	// Monday 9 h + Tuesday 6 h, less 2 h + 1 h of waits.
	if second.FirstResponseWork != nil || second.ResolutionWork == nil || *second.ResolutionWork != 12*time.Hour {
		t.Fatalf("second resolution carries %v and %v, want none and 12h", second.FirstResponseWork, second.ResolutionWork)
	}
}

// Only the first public reply carries the first response's working time, and only under
// a calendar; an internal note never does.
func TestFirstPublicReplyCarriesItsWorkingTime(t *testing.T) {
	f := newFixture(t, domain.TierStandard) // Monday 09:00
	note, err := f.tk.ReplyAt("note", false, t0.Add(time.Hour), f.policy)
	if err != nil || note[0].(domain.TicketReplied).FirstResponseWork != nil {
		t.Fatalf("a note under 24×7: %v %v", note, err)
	}
	cal := officeHours(t)
	f.policy.Calendars = map[string]*domain.Calendar{cal.Name: cal}
	f.policy.BusinessTime = []domain.CalendarRule{{Calendar: cal.Name}}
	note, _ = f.tk.ReplyAt("note", false, t0.Add(time.Hour), f.policy)
	if note[0].(domain.TicketReplied).FirstResponseWork != nil {
		t.Fatal("an internal note carries a first response")
	}
	// Friday 17:00 is 4 days 8 h after receipt: 4 × 9 h + 8 h of work.
	f.now = time.Date(2026, 3, 6, 17, 0, 0, 0, time.UTC)
	ev, err := f.tk.ReplyAt("hi", true, f.now, f.policy)
	got := f.must(t, "reply", ev, err)[0].(domain.TicketReplied)
	if got.FirstResponseWork == nil || *got.FirstResponseWork != 44*time.Hour {
		t.Fatalf("first public reply carries %v, want 44h", got.FirstResponseWork)
	}
	ev, err = f.tk.ReplyAt("again", true, f.now.Add(time.Hour), f.policy)
	if err != nil || ev[0].(domain.TicketReplied).FirstResponseWork != nil {
		t.Fatalf("a second public reply carries a first response: %v %v", ev, err)
	}
}

// reassign: on an assigned ticket the assignee is released naming the rule, once; it is
// refused on stages without an owner to release.
func TestStageReassignReleasesTheAssigneeOnce(t *testing.T) {
	f := newFixture(t, domain.TierStandard)
	f.policy.Stages = []domain.StageRule{{Name: "slow", Stage: domain.StatusAssigned, After: time.Hour, Action: domain.StageReassign}}
	if err := f.policy.Validate(); err != nil {
		t.Fatal(err)
	}
	f.assign(t, agentA)
	f.now = f.now.Add(2 * time.Hour)
	got := f.tk.CheckStage(f.now, f.policy)
	if len(got) != 2 {
		t.Fatalf("events %#v, want the passing and the release", got)
	}
	u, ok := got[1].(domain.TicketUnassigned)
	if p, ok2 := got[0].(domain.StageDeadlinePassed); !ok || !ok2 || p.Action != domain.StageReassign || u.AgentID != agentA || u.Reason != "stage_limit: slow" {
		t.Fatalf("events %#v", got)
	}
	f.apply(got)
	if s := f.state(); s.Status != domain.StatusClassified || s.Assignee != uuid.Nil {
		t.Fatalf("after: %s %v", s.Status, s.Assignee)
	}
	if again := f.tk.CheckStage(f.now.Add(time.Hour), f.policy); len(again) != 0 {
		t.Fatalf("acted twice: %v", again)
	}
	for _, stage := range []domain.Status{domain.StatusWaiting, domain.StatusReceived, domain.StatusClassified} {
		r := domain.StageRule{Name: "x", Stage: stage, After: time.Hour, Action: domain.StageReassign}
		if r.Validate() == nil {
			t.Errorf("reassign on %s accepted", stage)
		}
	}
}
