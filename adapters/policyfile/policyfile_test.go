package policyfile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/domain"
)

const yamlDoc = `
warning_share: 0.5
escalation_team: tier2
targets:
  vip:
    P1: {first_response: 2s, resolution: 10s}
    P2: {first_response: 90s}
raise_priority_tiers: [vip, core]
rules:
  - name: billing_zh_en
    keywords: [invoice, refund, 发票, 退款]
    category: billing
    priority: P2
  - name: phone_outage
    channels: [phone]
    keywords: [outage, 宕机]
    category: outage
    priority: P1
    team: ops
`

func TestYAMLOverlaysDefaults(t *testing.T) {
	p, err := Parse([]byte(yamlDoc), false)
	if err != nil {
		t.Fatal(err)
	}
	if p.SLA.WarningShare != 0.5 || p.SLA.EscalationTeam != "tier2" {
		t.Fatalf("share/team: %+v", p.SLA)
	}
	if got := p.SLA.Target(domain.TierVIP, domain.P1); got != (domain.SLATarget{FirstResponse: 2 * time.Second, Resolution: 10 * time.Second}) {
		t.Fatalf("vip/P1 = %+v", got)
	}
	// A cell given in part keeps the default of the other half; untouched cells keep theirs.
	if got := p.SLA.Target(domain.TierVIP, domain.P2); got.FirstResponse != 90*time.Second || got.Resolution != 4*time.Hour {
		t.Fatalf("vip/P2 = %+v", got)
	}
	if got := p.SLA.Target(domain.TierStandard, domain.P4); got != domain.DefaultSLAPolicy().Target(domain.TierStandard, domain.P4) {
		t.Fatalf("standard/P4 = %+v", got)
	}
	if !p.Rules.Raises(domain.TierCore) || len(p.Rules.Classification) != 2 {
		t.Fatalf("rules: %+v", p.Rules)
	}
	r, ok := p.Rules.Match(domain.ChannelEmail, domain.TierStandard, "关于发票的问题", "")
	if !ok || r.Name != "billing_zh_en" {
		t.Fatalf("Chinese keyword did not match: %+v %v", r, ok)
	}
	if _, ok := p.Rules.Match(domain.ChannelEmail, domain.TierStandard, "Total OUTAGE", ""); ok {
		t.Fatal("phone-only rule matched an email")
	}
	if r, ok := p.Rules.Match(domain.ChannelPhone, domain.TierStandard, "x", "服务宕机了"); !ok || r.Team != "ops" {
		t.Fatalf("phone rule: %+v %v", r, ok)
	}
}

func TestJSONWithSameKeys(t *testing.T) {
	doc := `{"escalation_team":"esc","targets":{"core":{"P3":{"resolution":"3h"}}},"rules":[{"name":"r","tiers":["vip"],"category":"vip","priority":"P2"}]}`
	dir := t.TempDir()
	path := filepath.Join(dir, "policy.json")
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	p, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if p.SLA.EscalationTeam != "esc" || p.SLA.WarningShare != 0.8 {
		t.Fatalf("%+v", p.SLA)
	}
	if got := p.SLA.Target(domain.TierCore, domain.P3); got.Resolution != 3*time.Hour || got.FirstResponse != 2*time.Hour {
		t.Fatalf("core/P3 = %+v", got)
	}
	if !p.Rules.Raises(domain.TierVIP) {
		t.Fatal("default raise of vip lost")
	}
}

func TestEmptyPathAndEmptyFileAreDefaults(t *testing.T) {
	p, err := Load("")
	if err != nil || p.SLA.Target(domain.TierVIP, domain.P1).FirstResponse != 5*time.Minute {
		t.Fatalf("%+v %v", p, err)
	}
	p, err = Parse([]byte("# nothing\n"), false)
	if err != nil || p.SLA.WarningShare != 0.8 {
		t.Fatalf("%+v %v", p, err)
	}
}

func TestBadFilesFailClearly(t *testing.T) {
	cases := map[string]string{
		"warning_share: 1.5":                                           "warning_share",
		"targets: {gold: {P1: {first_response: 1m}}}":                  "unknown tier",
		"targets: {vip: {P9: {first_response: 1m}}}":                   "unknown priority",
		"targets: {vip: {P1: {first_response: soon}}}":                 "Go duration",
		"targets: {vip: {P1: {first_response: -1m}}}":                  "positive",
		"escalation_tea: x":                                            "escalation_tea",
		"rules: [{name: a, category: c, priority: P7, keywords: [x]}]": "priority",
		"rules: [{name: a, category: c, priority: P1}]":                "keywords, channels or tiers",
		"escalation_team: ''":                                          "escalation_team",
	}
	for doc, want := range cases {
		_, err := Parse([]byte(doc), false)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want one mentioning %q", doc, err, want)
		}
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing.yaml")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}
