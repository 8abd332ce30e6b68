package domain

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// Stage time limits: a policy rule gives a stage of a ticket (the status it is in) a time
// limit, by tier and priority, and an action when the limit passes. The limit counts from
// when the ticket entered the status (StageSince), in business time under the ticket's
// calendar when it has one (sla_calendar.go). CheckStage records StageDeadlinePassed naming
// the rule and the due time, once per rule and due time (StageActed), and the action's
// events with it; the monitor may therefore call it as often as it likes.

// Stage actions.
const (
	StageNotify         = "notify"          // the event alone: the owner (assignee, else team) is told
	StageEscalate       = "escalate"        // and the ticket is escalated (reason stage_limit)
	StageRemindCustomer = "remind_customer" // a waiting ticket's customer is reminded
	StageResolve        = "resolve"         // a waiting ticket is resolved after the customer's silence
	StageReassign       = "reassign"        // the assignee is released: back to the team queue (ticket_stage_reassign.go)
)

// StageLimitReason is the reason of an escalation caused by a stage limit.
const StageLimitReason = "stage_limit"

// SilenceResolution is the resolution text of a ticket resolved after the customer's silence.
const SilenceResolution = "Resolved automatically: no answer from the customer."

// StageRule is one stage limit of the policy.
type StageRule struct {
	Name       string
	Stage      Status // received, classified, assigned, escalated or waiting
	After      time.Duration
	Action     string
	Tiers      []Tier     // empty: every tier
	Priorities []Priority // empty: every priority
}

// Validate checks the rule.
func (r StageRule) Validate() error {
	switch {
	case r.Name == "":
		return fmt.Errorf("%w: stages: a rule needs a name", ErrInvalid)
	case !slices.Contains([]Status{StatusReceived, StatusClassified, StatusAssigned, StatusEscalated, StatusWaiting}, r.Stage):
		return fmt.Errorf("%w: stages.%s: unknown stage %q (received, classified, assigned, escalated, waiting)", ErrInvalid, r.Name, r.Stage)
	case r.After <= 0:
		return fmt.Errorf("%w: stages.%s: after must be positive", ErrInvalid, r.Name)
	case !slices.Contains([]string{StageNotify, StageEscalate, StageRemindCustomer, StageResolve, StageReassign}, r.Action):
		return fmt.Errorf("%w: stages.%s: unknown action %q (notify, escalate, remind_customer, resolve, reassign)", ErrInvalid, r.Name, r.Action)
	case r.Action == StageReassign && r.Stage != StatusAssigned && r.Stage != StatusEscalated:
		return fmt.Errorf("%w: stages.%s: reassign applies to the assigned and escalated stages only", ErrInvalid, r.Name)
	case (r.Action == StageRemindCustomer || r.Action == StageResolve) && r.Stage != StatusWaiting:
		return fmt.Errorf("%w: stages.%s: %s applies to the waiting stage only", ErrInvalid, r.Name, r.Action)
	}
	for _, t := range r.Tiers {
		if !t.Valid() {
			return fmt.Errorf("%w: stages.%s: unknown tier %q", ErrInvalid, r.Name, t)
		}
	}
	for _, p := range r.Priorities {
		if !p.Valid() {
			return fmt.Errorf("%w: stages.%s: unknown priority %q", ErrInvalid, r.Name, p)
		}
	}
	return nil
}

// applies: the ticket is in the rule's stage, of one of its tiers and priorities.
// An escalated stage ends with the new team's first public reply.
func (r StageRule) applies(s TicketState) bool {
	if r.Stage == StatusEscalated && s.StageAnswered {
		return false
	}
	return s.Status == r.Stage && (len(r.Tiers) == 0 || slices.Contains(r.Tiers, s.Customer.Tier)) &&
		(len(r.Priorities) == 0 || slices.Contains(r.Priorities, s.Priority))
}

// StageDue is when the rule's limit passes for the ticket as it stands; zero when the rule
// does not apply or has acted for this due time.
func (s TicketState) StageDue(r StageRule, p SLAPolicy) time.Time {
	if !r.applies(s) || s.StageSince.IsZero() {
		return time.Time{}
	}
	due := after(s.calendar(p), s.StageSince, r.After)
	if s.stageActed(r.Name, due) {
		return time.Time{}
	}
	return due
}

// StageWarningAt is when the owner is warned of the rule's due time: at the policy's
// warning share of the limit (business time under the ticket's calendar).
func (s TicketState) StageWarningAt(r StageRule, p SLAPolicy) time.Time {
	return after(s.calendar(p), s.StageSince, time.Duration(math.Round(float64(r.After)*p.WarningShare)))
}

// StageNext is when the rule next needs a look: its warning point until warned, then its
// due time; zero when it does not apply or has acted.
func (s TicketState) StageNext(r StageRule, p SLAPolicy) time.Time {
	due := s.StageDue(r, p)
	if due.IsZero() || s.stageActed(stageWarnPrefix+r.Name, due) {
		return due
	}
	if w := s.StageWarningAt(r, p); w.Before(due) {
		return w
	}
	return due
}

// stageWarnPrefix marks a warning in StageActed.
const stageWarnPrefix = "warn:"

func stageKey(rule string, due time.Time) string {
	return rule + "@" + due.UTC().Format(time.RFC3339Nano)
}

func (s TicketState) stageActed(rule string, due time.Time) bool {
	return slices.Contains(strings.Split(s.StageActed, "\n"), stageKey(rule, due))
}

// TypeStageDeadlinePassed is the stored type of StageDeadlinePassed.
const TypeStageDeadlinePassed = "StageDeadlinePassed"

// StageDeadlinePassed records that a stage limit passed: the rule, its stage, due time and
// action. For remind_customer it is the reminder itself.
type StageDeadlinePassed struct {
	Rule   string    `json:"rule"`
	Stage  Status    `json:"stage"`
	Due    time.Time `json:"due"`
	Action string    `json:"action"`
}

func (StageDeadlinePassed) EventType() string { return TypeStageDeadlinePassed }

// TypeStageWarningIssued is the stored type of StageWarningIssued.
const TypeStageWarningIssued = "StageWarningIssued"

// StageWarningIssued warns the stage's owner (the assignee, else the team) that a stage
// limit passes at Due; once per rule and due time.
type StageWarningIssued struct {
	Rule  string    `json:"rule"`
	Stage Status    `json:"stage"`
	Due   time.Time `json:"due"`
}

func (StageWarningIssued) EventType() string { return TypeStageWarningIssued }

// CheckStage decides the stage limits of the policy that have passed at now, in the order
// of their due times: StageDeadlinePassed for each, once per rule and due time, and the
// action's events. A resolution after silence therefore always comes after the reminder
// due before it, also when the monitor was down for both.
func (t *Ticket) CheckStage(now time.Time, p SLAPolicy) []Event {
	type passed struct {
		r   StageRule
		due time.Time
	}
	var due []passed
	var warnings []Event
	for _, r := range p.Stages {
		d := t.s.StageDue(r, p)
		switch {
		case d.IsZero():
		case !now.Before(d):
			due = append(due, passed{r, d})
		case !now.Before(t.s.StageWarningAt(r, p)) && !t.s.stageActed(stageWarnPrefix+r.Name, d):
			warnings = append(warnings, StageWarningIssued{Rule: r.Name, Stage: r.Stage, Due: d})
		}
	}
	slices.SortStableFunc(due, func(a, b passed) int { return a.due.Compare(b.due) })
	events := warnings
	for _, d := range due {
		events = append(events, StageDeadlinePassed{Rule: d.r.Name, Stage: d.r.Stage, Due: d.due, Action: d.r.Action})
		switch d.r.Action {
		case StageEscalate:
			if t.s.Status != StatusEscalated {
				events = append(events, t.escalation(EscalateTicket{Reason: StageLimitReason}, now, p))
				return events // the stage has ended: the rest would be for a stage left behind
			}
		case StageResolve:
			return append(events, t.s.resolution(SilenceResolution, now, p))
		case StageReassign:
			if u, ok := t.s.reassignment(d.r); ok {
				events = append(events, u)
				if t.s.Status == StatusAssigned {
					return events // back to classified: the assigned stage has ended
				}
			}
		}
	}
	return events
}
