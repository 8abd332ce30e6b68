package policy

import (
	"sync/atomic"

	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// Stats are the engine's counters since it started, for metrics.
type Stats struct {
	SLAChecks      int64 // CheckSLA commands issued
	SLAWarnings    int64 // warnings this engine recorded
	SLABreaches    int64 // breaches this engine recorded
	SLAEscalations int64 // escalations caused by breaches this engine recorded
	AutoAssigned   int64 // tickets this engine routed
	RuleActions    int64 // classifications and reprioritisations by rules
	Position       int64 // last store position folded
}

type counters struct {
	checks, warnings, breaches, escalations, assigned, rules, position atomic.Int64
}

// Stats returns the counters.
func (e *Engine) Stats() Stats {
	c := &e.stats
	return Stats{SLAChecks: c.checks.Load(), SLAWarnings: c.warnings.Load(), SLABreaches: c.breaches.Load(),
		SLAEscalations: c.escalations.Load(), AutoAssigned: c.assigned.Load(), RuleActions: c.rules.Load(), Position: c.position.Load()}
}

// countSLA counts what a CheckSLA appended.
func (c *counters) countSLA(appended []eventlog.Record) {
	c.checks.Add(1)
	for _, r := range appended {
		switch r.Type {
		case domain.TypeSLAWarningIssued:
			c.warnings.Add(1)
		case domain.TypeSLABreached:
			c.breaches.Add(1)
		case domain.TypeTicketEscalated:
			c.escalations.Add(1)
		}
	}
}
