package service

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/ticketengine/ticketengine/application/policy"
)

// registerPolicyMetrics exposes the policy engine's counters (and the notifier's, when
// there is one) on /metrics. They are read from the engine at scrape time.
func registerPolicyMetrics(reg *prometheus.Registry, e *policy.Engine, n *policy.Notifier) {
	counter := func(name, help string, f func(policy.Stats) int64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, func() float64 { return float64(f(e.Stats())) })
	}
	reg.MustRegister(
		counter("tickets_sla_checks_total", "SLA checks issued by this process's monitor.", func(s policy.Stats) int64 { return s.SLAChecks }),
		counter("tickets_sla_warnings_total", "SLA warnings recorded by this process's monitor.", func(s policy.Stats) int64 { return s.SLAWarnings }),
		counter("tickets_sla_breaches_total", "SLA breaches recorded by this process's monitor.", func(s policy.Stats) int64 { return s.SLABreaches }),
		counter("tickets_sla_escalations_total", "Escalations caused by SLA breaches, recorded by this process.", func(s policy.Stats) int64 { return s.SLAEscalations }),
		counter("tickets_auto_assigned_total", "Tickets assigned by this process's router (rule auto_route).", func(s policy.Stats) int64 { return s.AutoAssigned }),
		counter("tickets_rule_actions_total", "Classifications and reprioritisations by configured rules.", func(s policy.Stats) int64 { return s.RuleActions }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "tickets_policies_position", Help: "Last event store position the policies have folded."},
			func() float64 { return float64(e.Stats().Position) }),
	)
	if n != nil {
		reg.MustRegister(
			prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "tickets_notifications_dropped_total", Help: "Notices dropped on a full notification queue."},
				func() float64 { return float64(n.Dropped()) }),
			prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "tickets_mail_failed_total", Help: "Mails given up on after retries."},
				func() float64 { return float64(n.Failed()) }),
			prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "tickets_mail_resent_total", Help: "Notices whose mails were sent again after a crash left them claimed but not recorded sent."},
				func() float64 { return float64(n.Resent()) }),
		)
	}
}
