package domain_test

import (
	"errors"
	"sort"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/domain"
)

func TestPriorityRankAndRaised(t *testing.T) {
	cases := []struct {
		p      domain.Priority
		rank   int
		raised domain.Priority
	}{
		{"P1", 1, "P1"}, {"P2", 2, "P1"}, {"P3", 3, "P2"}, {"P4", 4, "P3"},
		{"", 5, "P2"}, // unset counts as P3
	}
	for _, c := range cases {
		if got := c.p.Rank(); got != c.rank {
			t.Errorf("%s.Rank() = %d, want %d", c.p, got, c.rank)
		}
		if got := c.p.Raised(); got != c.raised {
			t.Errorf("%s.Raised() = %s, want %s", c.p, got, c.raised)
		}
	}
	for _, bad := range []domain.Priority{"", "P0", "P5", "p1"} {
		if bad.Valid() || bad.Rank() != 5 {
			t.Errorf("%q: valid %v, rank %d; an unknown priority sorts last", bad, bad.Valid(), bad.Rank())
		}
	}
	ps := []domain.Priority{"P4", "", "P1", "P3", "P2"}
	sort.Slice(ps, func(i, j int) bool { return ps[i].Rank() < ps[j].Rank() })
	if got := []domain.Priority{"P1", "P2", "P3", "P4", ""}; !equalPriorities(ps, got) {
		t.Errorf("sorted %v", ps)
	}
}

func equalPriorities(a, b []domain.Priority) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return len(a) == len(b)
}

func TestStatusesAndOpen(t *testing.T) {
	if got := domain.Statuses(); len(got) != len(allStatuses) {
		t.Fatalf("Statuses() = %v", got)
	}
	for i, s := range domain.Statuses() {
		if s != allStatuses[i] {
			t.Errorf("Statuses()[%d] = %s, want %s", i, s, allStatuses[i])
		}
		if want := i < 5; s.Open() != want {
			t.Errorf("%s.Open() = %v", s, s.Open())
		}
	}
}

func TestPolicyValidate(t *testing.T) {
	valid := func() domain.SLAPolicy {
		return domain.SLAPolicy{WarningShare: 0.5, EscalationTeam: "esc",
			Targets: map[domain.Tier]map[domain.Priority]domain.SLATarget{"vip": {"P1": {FirstResponse: 2 * time.Second, Resolution: 10 * time.Second}}}}
	}
	if err := valid().Validate(); err != nil {
		t.Fatalf("a partial policy is valid: %v", err)
	}
	breaks := map[string]func(p *domain.SLAPolicy){
		"share zero":     func(p *domain.SLAPolicy) { p.WarningShare = 0 },
		"share one":      func(p *domain.SLAPolicy) { p.WarningShare = 1 },
		"share negative": func(p *domain.SLAPolicy) { p.WarningShare = -0.2 },
		"no team":        func(p *domain.SLAPolicy) { p.EscalationTeam = "" },
		"unknown tier":   func(p *domain.SLAPolicy) { p.Targets["gold"] = map[domain.Priority]domain.SLATarget{"P1": {m, h}} },
		"unknown prio":   func(p *domain.SLAPolicy) { p.Targets["vip"]["P9"] = domain.SLATarget{FirstResponse: m, Resolution: h} },
		"zero target":    func(p *domain.SLAPolicy) { p.Targets["vip"]["P2"] = domain.SLATarget{FirstResponse: 0, Resolution: h} },
		"negative":       func(p *domain.SLAPolicy) { p.Targets["vip"]["P2"] = domain.SLATarget{FirstResponse: m, Resolution: -h} },
	}
	for name, brk := range breaks {
		p := valid()
		brk(&p)
		if err := p.Validate(); !errors.Is(err, domain.ErrInvalid) {
			t.Errorf("%s: Validate() = %v, want ErrInvalid", name, err)
		}
	}
}

func TestPolicyTargetFallback(t *testing.T) {
	p := domain.SLAPolicy{WarningShare: 0.5, EscalationTeam: "esc", Targets: map[domain.Tier]map[domain.Priority]domain.SLATarget{
		"vip": {"P1": {FirstResponse: 2 * time.Second, Resolution: 10 * time.Second}, "P3": {FirstResponse: 3 * time.Second, Resolution: 30 * time.Second}},
	}}
	cases := []struct {
		tier      domain.Tier
		prio      domain.Priority
		fr, resol time.Duration
	}{
		{"vip", "P1", 2 * time.Second, 10 * time.Second}, // the policy's own cell
		{"vip", "P2", 15 * m, 4 * h},                     // a missing cell: API.md's default
		{"vip", "", 3 * time.Second, 30 * time.Second},   // unclassified counts as P3, the policy's P3
		{"core", "P4", 4 * h, 48 * h},                    // a missing tier row: defaults
		{"gold", "P1", 1 * h, 8 * h},                     // an unknown tier: standard's defaults
	}
	for _, c := range cases {
		got := p.Target(c.tier, c.prio)
		if got.FirstResponse != c.fr || got.Resolution != c.resol {
			t.Errorf("Target(%s, %q) = %+v, want %v / %v", c.tier, c.prio, got, c.fr, c.resol)
		}
	}
	// A policy with tiny targets drives real dues, as tests of the SLA monitor rely on.
	f := &fixture{tk: domain.NewTicket(), now: t0, policy: p}
	ev, err := domain.Receive(receiveCmd(domain.TierVIP), [16]byte{1}, "TK-1", "h", t0, p)
	f.must(t, "receive", ev, err)
	if got := f.state().SLA.ResolutionDue; !got.Equal(t0.Add(30 * time.Second)) {
		t.Errorf("resolution due %v under a 30 s policy", got)
	}
}

func TestWarningAt(t *testing.T) {
	p := domain.DefaultSLAPolicy()
	if got := p.WarningAt(t0, t0.Add(10*h)); !got.Equal(t0.Add(8 * h)) {
		t.Errorf("WarningAt = %v, want 80%% of the way", got)
	}
	p.WarningShare = 0.5
	if got := p.WarningAt(t0, t0.Add(5*m)); !got.Equal(t0.Add(150 * time.Second)) {
		t.Errorf("WarningAt = %v", got)
	}
}
