package domain

import (
	"fmt"
	"time"
)

// SLATarget is how long the team has for a first public response and for resolution.
type SLATarget struct {
	FirstResponse time.Duration
	Resolution    time.Duration
}

// SLAPolicy maps tier and priority to targets. WarningShare is the share of a target's
// time after which the assignee is warned; EscalationTeam receives breached tickets.
type SLAPolicy struct {
	WarningShare   float64
	EscalationTeam string
	Targets        map[Tier]map[Priority]SLATarget
	// Calendars are the named working calendars; BusinessTime picks one for a team and
	// tier (sla_calendar.go). Without a matching rule a clock counts calendar time (24×7).
	Calendars    map[string]*Calendar
	BusinessTime []CalendarRule
	// Stages are the stage time limits (ticket_stage.go).
	Stages []StageRule
}

// DefaultSLAPolicy is the policy of API.md.
func DefaultSLAPolicy() SLAPolicy {
	h := time.Hour
	m := time.Minute
	return SLAPolicy{
		WarningShare:   0.8,
		EscalationTeam: "escalations",
		Targets: map[Tier]map[Priority]SLATarget{
			TierVIP:      {P1: {5 * m, 2 * h}, P2: {15 * m, 4 * h}, P3: {30 * m, 8 * h}, P4: {1 * h, 24 * h}},
			TierCore:     {P1: {30 * m, 4 * h}, P2: {1 * h, 8 * h}, P3: {2 * h, 24 * h}, P4: {4 * h, 48 * h}},
			TierStandard: {P1: {1 * h, 8 * h}, P2: {4 * h, 24 * h}, P3: {24 * h, 72 * h}, P4: {48 * h, 120 * h}},
		},
	}
}

// Target returns the targets for a tier and priority; an unknown priority counts as P3,
// and a cell the policy lacks falls back to the default policy's.
func (p SLAPolicy) Target(tier Tier, prio Priority) SLATarget {
	if !prio.Valid() {
		prio = DefaultPriority
	}
	if t, ok := p.Targets[tier][prio]; ok {
		return t
	}
	if t, ok := DefaultSLAPolicy().Targets[tier][prio]; ok {
		return t
	}
	return DefaultSLAPolicy().Targets[TierStandard][prio]
}

// Validate checks that every target is positive and the warning share is in (0, 1).
func (p SLAPolicy) Validate() error {
	if p.WarningShare <= 0 || p.WarningShare >= 1 {
		return fmt.Errorf("%w: warning_share must be between 0 and 1 (exclusive), got %v", ErrInvalid, p.WarningShare)
	}
	if p.EscalationTeam == "" {
		return fmt.Errorf("%w: escalation_team is required", ErrInvalid)
	}
	for tier, row := range p.Targets {
		if !tier.Valid() {
			return fmt.Errorf("%w: unknown tier %q", ErrInvalid, tier)
		}
		for prio, t := range row {
			if !prio.Valid() {
				return fmt.Errorf("%w: unknown priority %q for tier %s", ErrInvalid, prio, tier)
			}
			if t.FirstResponse <= 0 || t.Resolution <= 0 {
				return fmt.Errorf("%w: targets for %s/%s must be positive", ErrInvalid, tier, prio)
			}
		}
	}
	for _, r := range p.Stages {
		if err := r.Validate(); err != nil {
			return err
		}
	}
	return p.validateCalendars()
}

// SLADue holds a ticket's due times. A zero time means the clock does not run
// (first response already given, or the ticket is resolved).
type SLADue struct {
	FirstResponseDue time.Time `json:"first_response_due"`
	ResolutionDue    time.Time `json:"resolution_due"`
	// WaitedWork is set on the events that end a wait under a business calendar: the
	// working time the wait took (sla_calendar.go). The state keeps it in PausedWork.
	WaitedWork time.Duration `json:"waited_work,omitempty"`
}

// dueFrom computes due times for clocks started at start, under cal (nil: 24×7).
func dueFrom(cal *Calendar, start time.Time, t SLATarget) SLADue {
	return SLADue{FirstResponseDue: after(cal, start, t.FirstResponse), ResolutionDue: after(cal, start, t.Resolution)}
}

// WarningAt is when a clock that started at start and is due at due reaches the warning share.
func (p SLAPolicy) WarningAt(start, due time.Time) time.Time {
	return start.Add(time.Duration(float64(due.Sub(start)) * p.WarningShare))
}
