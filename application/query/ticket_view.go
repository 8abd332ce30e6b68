package query

import (
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// JSONTime writes times as RFC 3339 UTC with milliseconds, and the zero time as null.
type JSONTime time.Time

// MarshalJSON implements json.Marshaler.
func (t JSONTime) MarshalJSON() ([]byte, error) {
	if time.Time(t).IsZero() {
		return []byte("null"), nil
	}
	return []byte(`"` + time.Time(t).UTC().Format(eventlog.TimeFormat) + `"`), nil
}

// UnmarshalJSON implements json.Unmarshaler.
func (t *JSONTime) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*t = JSONTime{}
		return nil
	}
	v, err := time.Parse(`"`+time.RFC3339Nano+`"`, string(b))
	*t = JSONTime(v)
	return err
}

// TicketView is a ticket as staff see it: the body of GET /tickets/{id}, and of every
// command's answer and queue item.
type TicketView struct {
	ID              uuid.UUID       `json:"id"`
	Number          string          `json:"number"`
	Status          domain.Status   `json:"status"`
	Channel         domain.Channel  `json:"channel"`
	Customer        domain.Customer `json:"customer"`
	Subject         string          `json:"subject"`
	Category        *string         `json:"category"`
	Priority        domain.Priority `json:"priority"`
	Assignee        *uuid.UUID      `json:"assignee"`
	AssigneeName    *string         `json:"assignee_name"`
	Team            string          `json:"team"`
	EscalationLevel int             `json:"escalation_level"`
	Tags            []string        `json:"tags"`
	SLA             SLAView         `json:"sla"`
	CreatedAt       JSONTime        `json:"created_at"`
	UpdatedAt       JSONTime        `json:"updated_at"`
	Version         int64           `json:"version"`
	// Verified is false while a self-service ticket's customer has not confirmed the
	// address (the ticket then belongs to no customer record and runs on the standard tier).
	Verified bool `json:"verified"`
	// Source is the configured channel or mailbox the ticket came in through (absent for
	// the API and the portal); FollowUpOf the closed ticket it continues.
	Source     string     `json:"source,omitempty"`
	FollowUpOf *uuid.UUID `json:"follow_up_of,omitempty"`
}

// SLAView is the ticket's SLA as it stands at the moment of the view.
type SLAView struct {
	FirstResponseDue      JSONTime `json:"first_response_due"`
	ResolutionDue         JSONTime `json:"resolution_due"`
	FirstResponseBreached bool     `json:"first_response_breached"`
	ResolutionBreached    bool     `json:"resolution_breached"`
	Paused                bool     `json:"paused"`
	// Whether each clock still counts (not met, the ticket open), and whether it was met
	// by its due time: pages show time left, or "met", from them; the API's clients read
	// the status.
	FirstResponseRunning, ResolutionRunning bool `json:"-"`
	FirstResponseMet, ResolutionMet         bool `json:"-"`
}

// NewTicketView shows a ticket's state at `now` (breaches of running clocks depend on it).
func NewTicketView(s domain.TicketState, now time.Time) TicketView {
	fr, res := s.Clocks(now)
	v := TicketView{
		ID: s.ID, Number: s.Number, Status: s.Status, Channel: s.Channel, Customer: s.Customer,
		Subject: s.Subject, Priority: s.Priority, Team: s.Team, EscalationLevel: s.EscalationLevel,
		SLA: SLAView{
			FirstResponseDue: JSONTime(fr.Due), ResolutionDue: JSONTime(res.Due),
			FirstResponseBreached: fr.Breached, ResolutionBreached: res.Breached,
			Paused:               !s.WaitingSince.IsZero(),
			FirstResponseRunning: fr.Running, ResolutionRunning: res.Running,
			FirstResponseMet: fr.Met, ResolutionMet: res.Met,
		},
		CreatedAt: JSONTime(s.CreatedAt), UpdatedAt: JSONTime(s.UpdatedAt), Version: s.Version,
		Verified: !s.Unverified, Tags: s.Tags.List(),
	}
	if v.Tags == nil {
		v.Tags = []string{}
	}
	v.Source = s.Source
	if s.FollowUpOf != uuid.Nil {
		v.FollowUpOf = &s.FollowUpOf
	}
	// Copies, not &s.Category: a pointer into s would move the whole state to the heap
	// for every view (a queue page makes a hundred).
	if s.Category != "" {
		category := s.Category
		v.Category = &category
	}
	if s.Assignee != uuid.Nil {
		assignee, name := s.Assignee, s.AssigneeName
		v.Assignee, v.AssigneeName = &assignee, &name
	}
	return v
}
