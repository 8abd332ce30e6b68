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
}

// SLAView is the ticket's SLA as it stands at the moment of the view.
type SLAView struct {
	FirstResponseDue      JSONTime `json:"first_response_due"`
	ResolutionDue         JSONTime `json:"resolution_due"`
	FirstResponseBreached bool     `json:"first_response_breached"`
	ResolutionBreached    bool     `json:"resolution_breached"`
	Paused                bool     `json:"paused"`
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
			Paused: !s.WaitingSince.IsZero(),
		},
		CreatedAt: JSONTime(s.CreatedAt), UpdatedAt: JSONTime(s.UpdatedAt), Version: s.Version,
		Verified: !s.Unverified, Tags: s.Tags.List(),
	}
	if v.Tags == nil {
		v.Tags = []string{}
	}
	if s.Category != "" {
		v.Category = &s.Category
	}
	if s.Assignee != uuid.Nil {
		v.Assignee, v.AssigneeName = &s.Assignee, &s.AssigneeName
	}
	return v
}
