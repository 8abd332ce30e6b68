package domain_test

import (
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/domain"
)

const (
	m = time.Minute
	h = time.Hour
)

// apiTargets is API.md's default SLA table (first response / resolution), copied by hand.
var apiTargets = map[domain.Tier]map[domain.Priority][2]time.Duration{
	"vip":      {"P1": {5 * m, 2 * h}, "P2": {15 * m, 4 * h}, "P3": {30 * m, 8 * h}, "P4": {1 * h, 24 * h}},
	"core":     {"P1": {30 * m, 4 * h}, "P2": {1 * h, 8 * h}, "P3": {2 * h, 24 * h}, "P4": {4 * h, 48 * h}},
	"standard": {"P1": {1 * h, 8 * h}, "P2": {4 * h, 24 * h}, "P3": {24 * h, 72 * h}, "P4": {48 * h, 120 * h}},
}

func TestDefaultPolicyIsAPITable(t *testing.T) {
	p := domain.DefaultSLAPolicy()
	if p.WarningShare != 0.8 || p.EscalationTeam != "escalations" {
		t.Errorf("warning_share %v, escalation_team %q", p.WarningShare, p.EscalationTeam)
	}
	for tier, row := range apiTargets {
		for prio, want := range row {
			got := p.Target(tier, prio)
			if got.FirstResponse != want[0] || got.Resolution != want[1] {
				t.Errorf("%s/%s = %v / %v, want %v / %v", tier, prio, got.FirstResponse, got.Resolution, want[0], want[1])
			}
		}
	}
	if err := p.Validate(); err != nil {
		t.Errorf("default policy invalid: %v", err)
	}
}

// TestDuesPerTierAndPriority: receipt starts the clocks at P3; classifying sets the dues of
// the new priority, counted from receipt.
func TestDuesPerTierAndPriority(t *testing.T) {
	for tier, row := range apiTargets {
		for prio, want := range row {
			f := newFixture(t, tier)
			s := f.state()
			p3 := apiTargets[tier]["P3"]
			if !s.SLA.FirstResponseDue.Equal(t0.Add(p3[0])) || !s.SLA.ResolutionDue.Equal(t0.Add(p3[1])) {
				t.Errorf("%s at receipt: dues %+v", tier, s.SLA)
			}
			f.advance(20 * m)
			ev, err := f.tk.Classify(domain.ClassifyTicket{Category: "c", Priority: prio}, f.policy)
			e := only[domain.TicketClassified](t, f.must(t, "classify", ev, err))
			want := domain.SLADue{FirstResponseDue: t0.Add(want[0]), ResolutionDue: t0.Add(want[1])}
			if e.SLA != want || f.state().SLA != want {
				t.Errorf("%s/%s: event dues %+v, state %+v, want %+v", tier, prio, e.SLA, f.state().SLA, want)
			}
		}
	}
}

func TestReprioritizeRecomputesFromClockStart(t *testing.T) {
	f := newFixture(t, domain.TierVIP)
	f.advance(2 * m)
	ev, err := f.tk.Reprioritize(domain.P1, "vip-keyword", f.policy)
	f.must(t, "reprioritize", ev, err)
	if want := (domain.SLADue{FirstResponseDue: t0.Add(5 * m), ResolutionDue: t0.Add(2 * h)}); f.state().SLA != want {
		t.Fatalf("dues %+v, want %+v", f.state().SLA, want)
	}
	ev, err = f.tk.Reprioritize(domain.P1, "again", f.policy)
	if err != nil || ev != nil {
		t.Fatalf("same priority: %v %v, want no event", eventTypes(ev), err)
	}
}

// coreWaiting is a core P2 ticket (first response 1 h, resolution 8 h) assigned at t0+2m
// that goes waiting at waitAt.
func coreWaiting(t *testing.T, waitAt time.Time) *fixture {
	f := newFixture(t, domain.TierCore)
	f.classify(t, domain.P2)
	f.assign(t, agentA)
	f.now = waitAt
	ev, err := f.tk.Wait("need a screenshot")
	f.must(t, "wait", ev, err)
	return f
}

func TestWaitingShiftsDues(t *testing.T) {
	f := coreWaiting(t, t0.Add(30*m))
	if ws := f.state().WaitingSince; !ws.Equal(t0.Add(30 * m)) {
		t.Fatalf("WaitingSince = %v", ws)
	}
	// During the wait, past both original dues, nothing is breached and nothing fires.
	during := t0.Add(10 * h)
	fr, res := f.state().Clocks(during)
	if fr.Breached || res.Breached || !fr.Running || !res.Running {
		t.Fatalf("clocks during the wait: %+v %+v", fr, res)
	}
	if !res.Due.Equal(t0.Add(8*h + 9*h + 30*m)) {
		t.Errorf("effective resolution due during the wait = %v", res.Due)
	}
	for _, c := range []string{domain.ClockFirstResponse, domain.ClockResolution} {
		if ev := f.tk.RecordSLABreach(c, during, f.policy); ev != nil {
			t.Errorf("breach while waiting: %v", eventTypes(ev))
		}
	}
	// The customer answers after 3 h of waiting: both dues move by 3 h.
	e := only[domain.CustomerReplied](t, f.customerReplyAt(t, t0.Add(3*h+30*m), "截图在附件"))
	want := domain.SLADue{FirstResponseDue: t0.Add(4 * h), ResolutionDue: t0.Add(11 * h)}
	if e.SLA == nil || *e.SLA != want {
		t.Fatalf("CustomerReplied.SLA = %v, want %+v", e.SLA, want)
	}
	s := f.state()
	if s.SLA != want || s.Status != assigned || !s.WaitingSince.IsZero() || s.Paused != 3*h {
		t.Fatalf("after reply: sla %+v status %s waiting %v paused %v", s.SLA, s.Status, s.WaitingSince, s.Paused)
	}
	// 30 min ran before the wait; the first response breaches after 30 more minutes.
	if fr, _ := s.Clocks(t0.Add(4 * h)); fr.Breached {
		t.Error("breached exactly at the shifted due")
	}
	if fr, _ := s.Clocks(t0.Add(4*h + time.Second)); !fr.Breached {
		t.Error("not breached after the shifted due")
	}
}

// TestClassifyWhileWaitingKeepsPause: a priority change during a wait is computed from the
// clock start plus earlier pauses, and the current wait still shifts it on resuming.
func TestClassifyWhileWaitingKeepsPause(t *testing.T) {
	f := coreWaiting(t, t0.Add(30*m))
	f.now = t0.Add(2 * h)
	ev, err := f.tk.Classify(domain.ClassifyTicket{Category: "c", Priority: domain.P4}, f.policy)
	f.must(t, "classify", ev, err)
	if s := f.state(); s.Status != waiting || s.SLA.ResolutionDue != t0.Add(48*h) {
		t.Fatalf("status %s, dues %+v", s.Status, s.SLA)
	}
	f.customerReplyAt(t, t0.Add(4*h+30*m), "ok") // waited 4 h
	if want := t0.Add(52 * h); !f.state().SLA.ResolutionDue.Equal(want) {
		t.Fatalf("resolution due %v, want %v", f.state().SLA.ResolutionDue, want)
	}
}

func TestReopenRestartsResolutionClock(t *testing.T) {
	f := ticketIn(t, resolved) // core P2: 8 h resolution
	f.now = t0.Add(30 * h)
	ev, err := f.tk.Reopen("又坏了", f.now, f.policy)
	e := only[domain.TicketReopened](t, f.must(t, "reopen", ev, err))
	if want := f.now.Add(8 * h); !e.SLA.ResolutionDue.Equal(want) || !f.state().SLA.ResolutionDue.Equal(want) {
		t.Fatalf("resolution due %v / %v, want %v", e.SLA.ResolutionDue, f.state().SLA.ResolutionDue, want)
	}
	s := f.state()
	if !s.ClockStart.Equal(f.now) || s.Paused != 0 || !s.ResolvedAt.IsZero() || !s.Reopened {
		t.Fatalf("state after reopen %+v", s)
	}
	if _, res := s.Clocks(f.now.Add(8 * h)); res.Breached || !res.Running {
		t.Errorf("resolution clock at its new due: %+v", res)
	}
	if _, res := s.Clocks(f.now.Add(8*h + time.Second)); !res.Breached {
		t.Errorf("resolution clock past its new due: %+v", res)
	}
	if fr, _ := s.Clocks(f.now); fr.Running {
		t.Errorf("first response clock runs again after reopening: %+v", fr)
	}
}

func TestFirstResponseMetByPublicReplyOnly(t *testing.T) {
	f := ticketIn(t, classified) // core P2: first response due t0+1h
	f.replyAt(t, t0.Add(10*m), "内部备注", false)
	if fr, _ := f.state().Clocks(f.now); !fr.Running || !f.state().FirstRespondedAt.IsZero() {
		t.Fatalf("an internal note met the first response: %+v", fr)
	}
	if fr, _ := f.state().Clocks(t0.Add(h + time.Second)); !fr.Breached {
		t.Fatal("first response not breached after its due with only a note")
	}
	f.replyAt(t, t0.Add(20*m), "您好，我们在处理", true)
	s := f.state()
	if !s.FirstRespondedAt.Equal(f.now) || s.PublicReplies != 1 {
		t.Fatalf("first responded at %v, public replies %d", s.FirstRespondedAt, s.PublicReplies)
	}
	if fr, _ := s.Clocks(t0.Add(5 * h)); fr.Running || fr.Breached {
		t.Fatalf("met first response: %+v", fr)
	}
	// A later public reply does not move the first response.
	f.advance(m)
	ev, err := f.tk.Reply("again", true)
	f.must(t, "reply", ev, err)
	if !f.state().FirstRespondedAt.Equal(t0.Add(20 * m)) {
		t.Fatal("second reply moved the first response")
	}
}

func TestLateFirstReplyIsBreached(t *testing.T) {
	f := ticketIn(t, classified)
	f.replyAt(t, t0.Add(2*h), "sorry for the delay", true)
	if fr, _ := f.state().Clocks(f.now); fr.Running || !fr.Breached {
		t.Fatalf("late reply: %+v", fr)
	}
}

func TestFirstResponseMetByResolution(t *testing.T) {
	f := ticketIn(t, assigned)
	f.now = t0.Add(40 * m)
	ev, err := f.tk.Resolve("done")
	f.must(t, "resolve", ev, err)
	s := f.state()
	fr, res := s.Clocks(t0.Add(100 * h))
	if !s.FirstRespondedAt.Equal(f.now) || fr.Running || fr.Breached || res.Running || res.Breached {
		t.Fatalf("first responded %v; clocks %+v %+v", s.FirstRespondedAt, fr, res)
	}
}

// TestClocksSayWhetherTheyWereMet: a clock is met when what stops it (the first
// response, the resolution) came by its due time; late, it is breached, not met; a ticket
// closed without it stops the clock unmet.
func TestClocksSayWhetherTheyWereMet(t *testing.T) {
	due := domain.SLADue{FirstResponseDue: t0.Add(h), ResolutionDue: t0.Add(8 * h)}
	now := t0.Add(24 * h)
	cases := []struct {
		what                      string
		s                         domain.TicketState
		firstMet, resMet, running bool
	}{
		{"answered in time, resolved in time", domain.TicketState{Status: domain.StatusResolved, SLA: due,
			FirstRespondedAt: t0.Add(30 * m), ResolvedAt: t0.Add(2 * h)}, true, true, false},
		{"answered late, resolved late", domain.TicketState{Status: domain.StatusResolved, SLA: due,
			FirstRespondedAt: t0.Add(2 * h), ResolvedAt: t0.Add(9 * h)}, false, false, false},
		{"closed without an answer", domain.TicketState{Status: domain.StatusClosed, SLA: due}, false, false, false},
		{"answered in time, still open", domain.TicketState{Status: domain.StatusAssigned, SLA: due,
			FirstRespondedAt: t0.Add(30 * m)}, true, false, true},
	}
	for _, c := range cases {
		fr, res := c.s.Clocks(now)
		if fr.Met != c.firstMet || res.Met != c.resMet || res.Running != c.running {
			t.Errorf("%s: first response met %v, resolution met %v running %v; want %v, %v, %v",
				c.what, fr.Met, res.Met, res.Running, c.firstMet, c.resMet, c.running)
		}
	}
}
