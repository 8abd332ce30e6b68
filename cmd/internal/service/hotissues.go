package service

import (
	"flag"
	"time"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/hotissues"
	"github.com/ticketengine/ticketengine/projections"
)

// leaseHotIssues is the lease of the hot-issue detector: one node judges the series.
const leaseHotIssues = "hot-issues"

// HotIssuesConfig configures the hot-issue detector (docs/HOT-ISSUES.md).
type HotIssuesConfig struct {
	// Every is how often the series are judged (--hot-issues-every /
	// TICKETS_HOT_ISSUES_EVERY, default 1m); 0 turns the detector off in this process.
	Every time.Duration
	// Method replaces the default method (tests: a short history).
	Method *hotissues.Method
}

func (h *HotIssuesConfig) registerFlags(fs *flag.FlagSet, env func(name, def string) string) {
	def, err := time.ParseDuration(env("TICKETS_HOT_ISSUES_EVERY", "1m"))
	if err != nil {
		def = time.Minute
	}
	fs.DurationVar(&h.Every, "hot-issues-every", def, "how often the hot-issue detector judges the series (a `duration`); 0 = not in this process [TICKETS_HOT_ISSUES_EVERY]")
}

// detectHotIssues runs the detector over the read side, under its lease where the store
// is shared; it raises spikes as HotIssueDetected events, which the notifier and the
// webhook relays deliver.
func (s *Service) detectHotIssues(read *projections.Service) {
	c := s.Config.HotIssues
	if c.Every <= 0 || s.Config.Policies.Disabled {
		return
	}
	m := hotissues.DefaultMethod()
	if c.Method != nil {
		m = *c.Method
	}
	d := &hotissues.Detector{Method: m, Tickets: projections.DetectorTickets{Service: read}, Store: s.Store,
		Clock: application.SystemClock{}, Every: c.Every, Log: s.Log.With("component", "hot-issues")}
	s.background = append(s.background, s.underLease(leaseHotIssues, d.Run))
}
