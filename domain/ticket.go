package domain

import (
	"strings"
	"time"

	"github.com/google/uuid"
)

// TicketState is everything a ticket's history determines. It is a plain value so that
// projections can keep it as a snapshot and fold further events into it.
type TicketState struct {
	ID              uuid.UUID `json:"id"`
	Number          string    `json:"number"`
	AccessCodeHash  string    `json:"access_code_hash"`
	Version         int64     `json:"version"`
	Status          Status    `json:"status"`
	Channel         Channel   `json:"channel"`
	Customer        Customer  `json:"customer"`
	Subject         string    `json:"subject"`
	Category        string    `json:"category,omitempty"`
	Priority        Priority  `json:"priority"`
	Team            string    `json:"team"`
	Assignee        uuid.UUID `json:"assignee"`
	AssigneeName    string    `json:"assignee_name,omitempty"`
	EscalationLevel int       `json:"escalation_level"`
	// Tags are the ticket's tags, normalised and sorted (ticket_tags.go); nil for none.
	Tags      TagList   `json:"tags,omitzero"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`

	SLA SLADue `json:"sla"`
	// ClockStart is when the running resolution clock started (receipt, or the last reopening);
	// Paused is the time spent waiting since then; WaitingSince is set while waiting.
	ClockStart   time.Time     `json:"clock_start"`
	Paused       time.Duration `json:"paused"`
	WaitingSince time.Time     `json:"waiting_since"`
	// PausedWork is the business time spent waiting since ClockStart, under the calendar of
	// each wait's end (zero under 24×7): a recomputed due leaves it out (sla_calendar.go).
	PausedWork time.Duration `json:"paused_work,omitempty"`
	// WaitedWorkBefore is the business time waited before ClockStart (the PausedWork of
	// the resolution clocks before each reopening): the KPI's resolution time leaves out
	// every wait since receipt (ticket_kpi_work.go).
	WaitedWorkBefore time.Duration `json:"waited_work_before,omitempty"`
	// StatusBeforeWait is where a customer's reply returns a waiting ticket without an assignee.
	StatusBeforeWait Status `json:"status_before_wait,omitempty"`

	FirstRespondedAt      time.Time `json:"first_responded_at"`
	ResolvedAt            time.Time `json:"resolved_at"`
	FirstResponseBreached bool      `json:"first_response_breached"`
	ResolutionBreached    bool      `json:"resolution_breached"`
	FirstResponseWarned   time.Time `json:"first_response_warned"` // the due time that was warned about
	ResolutionWarned      time.Time `json:"resolution_warned"`

	PublicReplies int  `json:"public_replies"`
	Resolutions   int  `json:"resolutions"`
	RatedFor      int  `json:"rated_for"` // the resolution count the last rating was given for
	Escalated     bool `json:"escalated"`
	Reopened      bool `json:"reopened"`
	// Unverified: a self-service ticket whose customer has not confirmed the address yet.
	Unverified bool `json:"unverified,omitempty"`
	// CustomerErased: the customer's personal data was erased (TicketCustomerErased).
	CustomerErased bool `json:"customer_erased,omitempty"`
	// Source is the configured intake the ticket came through; FollowUpOf the closed
	// ticket it continues (TicketReceived).
	Source     string    `json:"source,omitempty"`
	FollowUpOf uuid.UUID `json:"follow_up_of,omitzero"`
	// StageSince is when the ticket entered its status; StageActed lists, one a line, the
	// stage limits (rule@due) that acted in it (ticket_stage.go).
	StageSince time.Time `json:"stage_since,omitzero"`
	StageActed string    `json:"stage_acted,omitempty"`
	// StageAnswered: a public staff reply came in the current stage (an escalated ticket's
	// new team answered: the escalated stage's limits stop).
	StageAnswered bool `json:"stage_answered,omitempty"`
}

// Ticket is the aggregate: its state changes only by applying events.
type Ticket struct {
	s TicketState
}

// NewTicket returns an empty ticket at version -1, before TicketReceived.
func NewTicket() *Ticket { return &Ticket{s: TicketState{Version: -1}} }

// RestoreTicket continues from a snapshot.
func RestoreTicket(s TicketState) *Ticket { return &Ticket{s: s} }

// State returns a copy of the ticket's state.
func (t *Ticket) State() TicketState { return t.s }

// Exists reports whether the ticket has been received.
func (t *Ticket) Exists() bool { return t.s.Version >= 0 }

// Apply folds one event that occurred at `at` into the state. It never fails and never
// validates: the event is a fact. Unknown events only advance the version.
func (t *Ticket) Apply(e Event, at time.Time) {
	s := &t.s
	s.Version++
	s.UpdatedAt = at
	before := s.Status
	t.applyEvent(e, at)
	if s.Status != before { // a new stage: its limits count from now (ticket_stage.go)
		s.StageSince, s.StageActed, s.StageAnswered = at, "", false
	}
}

func (t *Ticket) applyEvent(e Event, at time.Time) {
	s := &t.s
	switch e := e.(type) {
	case TicketReceived:
		s.ID, s.Number, s.AccessCodeHash = e.TicketID, e.Number, e.AccessCodeHash
		s.Status, s.Channel, s.Customer, s.Subject = StatusReceived, e.Channel, e.Customer, e.Subject
		s.Priority, s.Team, s.SLA = e.Priority, e.Team, e.SLA
		s.CreatedAt, s.ClockStart, s.Unverified = at, at, e.Unverified
		s.Source, s.FollowUpOf = e.Source, e.FollowUpOf
	case TicketClassified:
		s.Category, s.Priority, s.Team, s.SLA = e.Category, e.Priority, e.Team, e.SLA
		if s.Status == StatusReceived {
			s.Status = StatusClassified
		}
	case TicketReprioritized:
		s.Priority, s.SLA = e.Priority, e.SLA
	case TicketAssigned:
		s.Assignee, s.AssigneeName, s.Status = e.AgentID, e.AgentName, StatusAssigned
	case TicketUnassigned:
		s.Assignee, s.AssigneeName = uuid.Nil, ""
		if s.Status == StatusAssigned {
			s.Status = StatusClassified
		}
	case TicketEscalated:
		t.resume(at, e.SLA)
		if e.Team != s.Team {
			s.Assignee, s.AssigneeName = uuid.Nil, ""
		}
		s.Team, s.EscalationLevel, s.Status, s.Escalated = e.Team, e.Level, StatusEscalated, true
	case TicketReplied:
		if e.Public {
			s.StageAnswered = true
			s.PublicReplies++
			if s.FirstRespondedAt.IsZero() {
				s.FirstRespondedAt = at
			}
		}
	case CustomerReplied:
		if s.Status == StatusWaiting {
			t.resume(at, e.SLA)
			s.Status = StatusAssigned
			if s.Assignee == uuid.Nil {
				s.Status = s.StatusBeforeWait
			}
		}
	case TicketAwaitingCustomer:
		s.StatusBeforeWait, s.Status, s.WaitingSince = s.Status, StatusWaiting, at
	case TicketResolved:
		due := s.shiftedDue(at) // resolving a waiting ticket ends the wait: the wait must not count
		if e.SLA != nil {
			due = *e.SLA // decided under a business calendar
		}
		t.resume(at, &due)
		s.Status, s.ResolvedAt = StatusResolved, at
		s.Resolutions++
		if s.FirstRespondedAt.IsZero() {
			s.FirstRespondedAt = at // resolution counts as the first response when none came first
		}
	case TicketReopened:
		s.Status, s.Reopened, s.ResolvedAt = StatusClassified, true, time.Time{}
		if s.Assignee != uuid.Nil {
			s.Status = StatusAssigned
		}
		s.WaitedWorkBefore += s.PausedWork
		s.SLA, s.ClockStart, s.Paused, s.PausedWork = e.SLA, at, 0, 0
		s.ResolutionBreached, s.ResolutionWarned = false, time.Time{}
	case TicketClosed:
		s.Status = StatusClosed
	case TicketRated:
		s.RatedFor = s.Resolutions
	case TicketTagsChanged:
		s.Tags = withTags(s.Tags, e)
	case SLAWarningIssued:
		if e.Clock == ClockFirstResponse {
			s.FirstResponseWarned = e.Due
		} else {
			s.ResolutionWarned = e.Due
		}
	case TicketCustomerVerified:
		s.Unverified, s.Customer.RecordID, s.Customer.Tier, s.SLA = false, e.RecordID, e.Tier, e.SLA
	case TicketCustomerErased:
		s.forget()
	case StageDeadlinePassed:
		s.StageActed = strings.TrimPrefix(s.StageActed+"\n"+stageKey(e.Rule, e.Due), "\n")
	case StageWarningIssued:
		s.StageActed = strings.TrimPrefix(s.StageActed+"\n"+stageKey(stageWarnPrefix+e.Rule, e.Due), "\n")
	case SLABreached:
		if e.Clock == ClockFirstResponse {
			s.FirstResponseBreached = true
		} else {
			s.ResolutionBreached = true
		}
	}
}

// resume ends a wait: the time waited is added to the paused total, and the event's
// shifted due times (computed when the command was decided) replace the old ones.
func (t *Ticket) resume(at time.Time, due *SLADue) {
	s := &t.s
	if s.WaitingSince.IsZero() {
		return
	}
	s.Paused += at.Sub(s.WaitingSince)
	s.WaitingSince = time.Time{}
	if due != nil {
		s.PausedWork += due.WaitedWork
		s.SLA = *due
		s.SLA.WaitedWork = 0
	}
}

// shiftedDue is what the due times become if a wait ends at `now`. Only a due still ahead
// when the wait began moves: a clock already past it was breached (or met late) before the
// wait, and waiting must not forgive that.
func (s TicketState) shiftedDue(now time.Time) SLADue {
	if s.WaitingSince.IsZero() {
		return s.SLA
	}
	waited := now.Sub(s.WaitingSince)
	shift := func(due time.Time) time.Time {
		if due.Before(s.WaitingSince) {
			return due
		}
		return due.Add(waited)
	}
	return SLADue{FirstResponseDue: shift(s.SLA.FirstResponseDue), ResolutionDue: shift(s.SLA.ResolutionDue)}
}

// dueFor computes the due times for the ticket's clocks under a (new) priority, from the
// clock's start with the waits left out: their wall time under 24×7, their working time
// under the calendar of the ticket's team and tier.
func (s TicketState) dueFor(p SLAPolicy, prio Priority) SLADue {
	target := p.Target(s.Customer.Tier, prio)
	var d SLADue
	if cal := s.calendar(p); cal != nil {
		target.FirstResponse += s.PausedWork
		target.Resolution += s.PausedWork
		d = dueFrom(cal, s.ClockStart, target)
	} else {
		d = dueFrom(nil, s.ClockStart, target)
		d.FirstResponseDue = d.FirstResponseDue.Add(s.Paused)
		d.ResolutionDue = d.ResolutionDue.Add(s.Paused)
	}
	if !s.FirstRespondedAt.IsZero() || s.Reopened {
		d.FirstResponseDue = s.SLA.FirstResponseDue // a met first response keeps the due it was met against
	}
	return d
}
