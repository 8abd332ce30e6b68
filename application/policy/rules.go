// Package policy holds the engine's automatic behaviour: the SLA monitor, the router, the
// classification rules and the notifier. Policies learn of events only through the event
// store's subscription and act only by issuing application commands as the system actor,
// naming the rule that fired, so every automatic action is itself an audited event.
package policy

import (
	"fmt"
	"strings"

	"github.com/ticketengine/ticketengine/domain"
)

// Rule names recorded on system actions (CommandMeta.Rule and the events' rule field).
const (
	RuleSLAMonitor = "sla_monitor"
	RuleAutoRoute  = "auto_route"
	// RuleTierPrefix names tier rules: "tier_vip" raised a VIP customer's priority.
	RuleTierPrefix = "tier_"
)

// Rules are the configured classification rules and the tiers whose priority is raised.
type Rules struct {
	Classification []ClassificationRule
	// RaiseTiers lists the customer tiers whose tickets get one level more urgent on
	// receipt (never above P1). The default is [vip].
	RaiseTiers []domain.Tier
}

// DefaultRules: no classification rules, VIP raised by one level.
func DefaultRules() Rules { return Rules{RaiseTiers: []domain.Tier{domain.TierVIP}} }

// ClassificationRule classifies a new ticket that matches it. A ticket matches when any
// keyword occurs in its subject or body (case-insensitive substring: Chinese has no
// spaces between words), and its channel and customer tier are among those listed. An
// empty list matches anything, so a rule may match on channel or tier alone.
type ClassificationRule struct {
	Name     string
	Keywords []string
	Channels []domain.Channel
	Tiers    []domain.Tier
	Category string
	Priority domain.Priority
	Team     string // optional; empty keeps the ticket's team
}

// Validate checks the rules, so a bad file fails at start with a clear message.
func (r Rules) Validate() error {
	seen := map[string]bool{}
	for i, c := range r.Classification {
		where := fmt.Sprintf("rules[%d] (%s)", i, c.Name)
		switch {
		case strings.TrimSpace(c.Name) == "":
			return fmt.Errorf("%w: rules[%d]: name is required", domain.ErrInvalid, i)
		case seen[c.Name]:
			return fmt.Errorf("%w: %s: duplicate rule name", domain.ErrInvalid, where)
		case strings.TrimSpace(c.Category) == "":
			return fmt.Errorf("%w: %s: category is required", domain.ErrInvalid, where)
		case !c.Priority.Valid():
			return fmt.Errorf("%w: %s: priority must be P1, P2, P3 or P4", domain.ErrInvalid, where)
		case len(c.Keywords) == 0 && len(c.Channels) == 0 && len(c.Tiers) == 0:
			return fmt.Errorf("%w: %s: give keywords, channels or tiers to match on", domain.ErrInvalid, where)
		}
		for _, ch := range c.Channels {
			if !ch.Valid() {
				return fmt.Errorf("%w: %s: unknown channel %q", domain.ErrInvalid, where, ch)
			}
		}
		if err := validTiers(where, c.Tiers); err != nil {
			return err
		}
		seen[c.Name] = true
	}
	return validTiers("raise_priority_tiers", r.RaiseTiers)
}

func validTiers(where string, tiers []domain.Tier) error {
	for _, t := range tiers {
		if !t.Valid() {
			return fmt.Errorf("%w: %s: unknown tier %q", domain.ErrInvalid, where, t)
		}
	}
	return nil
}

// Match returns the first rule the ticket matches, in the order configured.
func (r Rules) Match(channel domain.Channel, tier domain.Tier, subject, body string) (ClassificationRule, bool) {
	text := strings.ToLower(subject + "\n" + body)
	for _, c := range r.Classification {
		if c.matches(channel, tier, text) {
			return c, true
		}
	}
	return ClassificationRule{}, false
}

func (c ClassificationRule) matches(channel domain.Channel, tier domain.Tier, text string) bool {
	if len(c.Channels) > 0 && !contains(c.Channels, channel) {
		return false
	}
	if len(c.Tiers) > 0 && !contains(c.Tiers, tier) {
		return false
	}
	if len(c.Keywords) == 0 {
		return true
	}
	for _, k := range c.Keywords {
		if k = strings.ToLower(strings.TrimSpace(k)); k != "" && strings.Contains(text, k) {
			return true
		}
	}
	return false
}

// Raises reports whether tickets of the tier get one level more urgent.
func (r Rules) Raises(tier domain.Tier) bool { return contains(r.RaiseTiers, tier) }

func contains[T comparable](list []T, v T) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
