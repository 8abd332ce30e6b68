// Package policyfile reads the policy file (--sla-policy): SLA targets, warning share,
// escalation team and classification rules, in YAML or in JSON with the same keys. Every
// value not set keeps the built-in default, down to a single cell of a single target,
// and the result is validated so that a bad file stops the process at start.
package policyfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/ticketengine/ticketengine/application/policy"
	"github.com/ticketengine/ticketengine/domain"
)

// Policies is what a policy file configures.
type Policies struct {
	SLA   domain.SLAPolicy
	Rules policy.Rules
}

// Defaults are the built-in policies: API.md's SLA table, VIP raised, no keyword rules.
func Defaults() Policies {
	return Policies{SLA: domain.DefaultSLAPolicy(), Rules: policy.DefaultRules()}
}

// file mirrors the document; pointers and nil slices tell "not set" from a zero value.
type file struct {
	WarningShare   *float64                         `yaml:"warning_share" json:"warning_share"`
	EscalationTeam *string                          `yaml:"escalation_team" json:"escalation_team"`
	Targets        map[string]map[string]targetCell `yaml:"targets" json:"targets"`
	RaiseTiers     *[]domain.Tier                   `yaml:"raise_priority_tiers" json:"raise_priority_tiers"`
	Rules          []rule                           `yaml:"rules" json:"rules"`
	// Calendars and BusinessTime: business-hours calendars and which clocks count under
	// them (calendars.go; docs/SLA-CLOCKS.md).
	Calendars    map[string]calendar `yaml:"calendars" json:"calendars"`
	BusinessTime []businessRule      `yaml:"business_time" json:"business_time"`
	Stages       []stage             `yaml:"stages" json:"stages"` // stage time limits (stages.go)
	dir          string              // the file's folder: iCalendar paths are relative to it
}

type targetCell struct {
	FirstResponse *duration `yaml:"first_response" json:"first_response"`
	Resolution    *duration `yaml:"resolution" json:"resolution"`
}

type rule struct {
	Name     string           `yaml:"name" json:"name"`
	Keywords []string         `yaml:"keywords" json:"keywords"`
	Channels []domain.Channel `yaml:"channels" json:"channels"`
	Tiers    []domain.Tier    `yaml:"tiers" json:"tiers"`
	Category string           `yaml:"category" json:"category"`
	Priority domain.Priority  `yaml:"priority" json:"priority"`
	Team     string           `yaml:"team" json:"team"`
}

// duration is a Go duration written as a string ("2s", "1h30m").
type duration time.Duration

func (d *duration) parse(s string) error {
	v, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil {
		return fmt.Errorf("%q is not a Go duration such as 90s, 5m or 2h", s)
	}
	*d = duration(v)
	return nil
}

func (d *duration) UnmarshalYAML(n *yaml.Node) error { return d.parse(n.Value) }

func (d *duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("a duration is a string such as \"5m\"")
	}
	return d.parse(s)
}

// Load reads the file at path; an empty path gives the defaults.
func Load(path string) (Policies, error) {
	if path == "" {
		return Defaults(), nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return Policies{}, fmt.Errorf("policy file: %w", err)
	}
	p, err := parse(b, strings.EqualFold(filepath.Ext(path), ".json"), filepath.Dir(path))
	if err != nil {
		return Policies{}, fmt.Errorf("policy file %s: %w", path, err)
	}
	return p, nil
}

// Parse reads a policy document: JSON when asJSON or when it starts with "{", else YAML.
// Unknown keys are errors, so a misspelt key does not silently keep a default.
// Relative iCalendar paths are read from the working directory.
func Parse(b []byte, asJSON bool) (Policies, error) { return parse(b, asJSON, ".") }

func parse(b []byte, asJSON bool, dir string) (Policies, error) {
	f := file{dir: dir}
	if asJSON || bytes.HasPrefix(bytes.TrimSpace(b), []byte("{")) {
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&f); err != nil {
			return Policies{}, fmt.Errorf("JSON: %w", err)
		}
	} else {
		dec := yaml.NewDecoder(bytes.NewReader(b))
		dec.KnownFields(true)
		if err := dec.Decode(&f); err != nil && !errors.Is(err, io.EOF) {
			return Policies{}, fmt.Errorf("YAML: %w", err)
		}
	}
	return f.policies()
}

func (f file) policies() (Policies, error) {
	p := Defaults()
	if f.WarningShare != nil {
		p.SLA.WarningShare = *f.WarningShare
	}
	if f.EscalationTeam != nil {
		p.SLA.EscalationTeam = strings.TrimSpace(*f.EscalationTeam)
	}
	if err := f.overlayTargets(p.SLA.Targets); err != nil {
		return Policies{}, err
	}
	if err := f.overlayCalendars(&p.SLA, f.dir); err != nil {
		return Policies{}, err
	}
	f.overlayStages(&p.SLA)
	if f.RaiseTiers != nil {
		p.Rules.RaiseTiers = *f.RaiseTiers
	}
	for _, r := range f.Rules {
		p.Rules.Classification = append(p.Rules.Classification, policy.ClassificationRule{
			Name: r.Name, Keywords: r.Keywords, Channels: r.Channels, Tiers: r.Tiers,
			Category: r.Category, Priority: r.Priority, Team: r.Team,
		})
	}
	if err := p.SLA.Validate(); err != nil {
		return Policies{}, err
	}
	if err := p.Rules.Validate(); err != nil {
		return Policies{}, err
	}
	return p, nil
}

// overlayTargets sets the cells the file gives, keeping the defaults of the others.
func (f file) overlayTargets(targets map[domain.Tier]map[domain.Priority]domain.SLATarget) error {
	for tierName, row := range f.Targets {
		tier := domain.Tier(tierName)
		if !tier.Valid() {
			return fmt.Errorf("%w: targets: unknown tier %q (vip, core, standard)", domain.ErrInvalid, tierName)
		}
		for prioName, cell := range row {
			prio := domain.Priority(prioName)
			if !prio.Valid() {
				return fmt.Errorf("%w: targets.%s: unknown priority %q (P1…P4)", domain.ErrInvalid, tierName, prioName)
			}
			t := targets[tier][prio]
			if cell.FirstResponse != nil {
				t.FirstResponse = time.Duration(*cell.FirstResponse)
			}
			if cell.Resolution != nil {
				t.Resolution = time.Duration(*cell.Resolution)
			}
			targets[tier][prio] = t
		}
	}
	return nil
}
