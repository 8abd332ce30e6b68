package domain

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// Event is a fact recorded about an aggregate. EventType is the stored type name:
// an explicit constant, so renaming a Go type never orphans stored events.
type Event interface {
	EventType() string
}

// Stored type names of the ticket's events. Never change one: stored events carry it.
const (
	TypeTicketReceived         = "TicketReceived"
	TypeTicketClassified       = "TicketClassified"
	TypeTicketReprioritized    = "TicketReprioritized"
	TypeTicketAssigned         = "TicketAssigned"
	TypeTicketEscalated        = "TicketEscalated"
	TypeTicketReplied          = "TicketReplied"
	TypeCustomerReplied        = "CustomerReplied"
	TypeTicketAwaitingCustomer = "TicketAwaitingCustomer"
	TypeTicketResolved         = "TicketResolved"
	TypeTicketReopened         = "TicketReopened"
	TypeTicketClosed           = "TicketClosed"
	TypeTicketRated            = "TicketRated"
	TypeSLAWarningIssued       = "SLAWarningIssued"
	TypeSLABreached            = "SLABreached"
	TypeTicketCustomerVerified = "TicketCustomerVerified"
	TypeTicketUnassigned       = "TicketUnassigned"
)

// SLA clock names, as used in SLAWarningIssued and SLABreached.
const (
	ClockFirstResponse = "first_response"
	ClockResolution    = "resolution"
)

// TicketReceived opens a ticket. The access code is kept only as its SHA-256.
type TicketReceived struct {
	TicketID       uuid.UUID `json:"ticket_id"`
	Number         string    `json:"number"`
	AccessCodeHash string    `json:"access_code_hash"`
	Channel        Channel   `json:"channel"`
	Customer       Customer  `json:"customer"`
	Subject        string    `json:"subject"`
	Body           string    `json:"body"`
	Priority       Priority  `json:"priority"`
	Team           string    `json:"team"`
	SLA            SLADue    `json:"sla"`
	// Unverified marks a self-service ticket whose customer has not yet confirmed the
	// address: it joined no customer record and runs on the standard tier.
	Unverified bool `json:"unverified,omitempty"`
	// Attachments are the files the customer's first message carries.
	Attachments []Attachment `json:"attachments,omitempty"`
	// Source is the configured intake the request came through ("" for the API and portal).
	Source string `json:"source,omitempty"`
	// FollowUpOf is the closed ticket this one continues (a channel message or mail
	// threaded to it).
	FollowUpOf uuid.UUID `json:"follow_up_of,omitzero"`
}

// TicketClassified sets category, priority and team; Rule names the rule when the system classified.
type TicketClassified struct {
	Category string   `json:"category"`
	Priority Priority `json:"priority"`
	Team     string   `json:"team"`
	Rule     string   `json:"rule,omitempty"`
	SLA      SLADue   `json:"sla"`
}

// TicketReprioritized changes only the priority (a tier rule, say) without classifying.
type TicketReprioritized struct {
	Priority Priority `json:"priority"`
	Rule     string   `json:"rule,omitempty"`
	SLA      SLADue   `json:"sla"`
}

// TicketAssigned gives the ticket to an agent; Auto is set when routing chose the agent.
type TicketAssigned struct {
	AgentID   uuid.UUID `json:"agent_id"`
	AgentName string    `json:"agent_name"`
	Auto      bool      `json:"auto,omitempty"`
	Rule      string    `json:"rule,omitempty"`
}

// TicketEscalated hands the ticket to a team at the next escalation level.
type TicketEscalated struct {
	Team   string  `json:"team"`
	Reason string  `json:"reason"`
	Level  int     `json:"level"`
	SLA    *SLADue `json:"sla,omitempty"` // set when escalation resumed a waiting ticket
}

// TicketReplied is a staff reply: public to the customer, or an internal note.
type TicketReplied struct {
	Body        string       `json:"body"`
	Public      bool         `json:"public"`
	Attachments []Attachment `json:"attachments,omitempty"`
	// FirstResponseWork is set on the first public reply of a ticket under a business
	// calendar: the working time from receipt to it (ticket_kpi_work.go).
	FirstResponseWork *time.Duration `json:"first_response_work,omitempty"`
}

// CustomerReplied is the customer's message; on a waiting ticket it resumes the SLA clocks.
type CustomerReplied struct {
	Body        string       `json:"body"`
	SLA         *SLADue      `json:"sla,omitempty"`
	Attachments []Attachment `json:"attachments,omitempty"`
}

// TicketAwaitingCustomer pauses the SLA clocks until the customer answers.
type TicketAwaitingCustomer struct {
	Reason string `json:"reason"`
}

// TicketResolved stops the clocks; the customer may now rate.
type TicketResolved struct {
	Resolution string `json:"resolution"`
	// SLA is set when resolving ended a wait under a business calendar (sla_calendar.go).
	SLA *SLADue `json:"sla,omitempty"`
	// FirstResponseWork and ResolutionWork are set under a business calendar: the working
	// time of the first response (when the resolution is it) and of the resolution, waits
	// left out (ticket_kpi_work.go).
	FirstResponseWork *time.Duration `json:"first_response_work,omitempty"`
	ResolutionWork    *time.Duration `json:"resolution_work,omitempty"`
}

// TicketReopened restarts the resolution clock.
type TicketReopened struct {
	Reason string `json:"reason"`
	SLA    SLADue `json:"sla"`
}

// TicketClosed is final.
type TicketClosed struct{}

// TicketRated is the customer's satisfaction score for the latest resolution.
type TicketRated struct {
	Score int `json:"score"`
	// NPS is the customer's answer, 0 to 10, to "how likely are you to recommend us"
	// when they gave one.
	NPS     *int   `json:"nps,omitempty"`
	Comment string `json:"comment,omitempty"`
}

// SLAWarningIssued records that a clock reached the warning share, so the warning goes out once.
type SLAWarningIssued struct {
	Clock string    `json:"clock"`
	Due   time.Time `json:"due"`
}

// SLABreached records a missed due time; the escalation it causes is a separate TicketEscalated.
type SLABreached struct {
	Clock string    `json:"clock"`
	Due   time.Time `json:"due"`
}

func (TicketReceived) EventType() string         { return TypeTicketReceived }
func (TicketClassified) EventType() string       { return TypeTicketClassified }
func (TicketReprioritized) EventType() string    { return TypeTicketReprioritized }
func (TicketAssigned) EventType() string         { return TypeTicketAssigned }
func (TicketEscalated) EventType() string        { return TypeTicketEscalated }
func (TicketReplied) EventType() string          { return TypeTicketReplied }
func (CustomerReplied) EventType() string        { return TypeCustomerReplied }
func (TicketAwaitingCustomer) EventType() string { return TypeTicketAwaitingCustomer }
func (TicketResolved) EventType() string         { return TypeTicketResolved }
func (TicketReopened) EventType() string         { return TypeTicketReopened }
func (TicketClosed) EventType() string           { return TypeTicketClosed }
func (TicketRated) EventType() string            { return TypeTicketRated }
func (SLAWarningIssued) EventType() string       { return TypeSLAWarningIssued }
func (SLABreached) EventType() string            { return TypeSLABreached }

// DecodeTicketEvent turns a stored type name and JSON data back into a ticket event.
// The switch is the registry: explicit, and not a global mutable map.
func DecodeTicketEvent(eventType string, data []byte) (Event, error) {
	var e Event
	switch eventType {
	case TypeTicketReceived:
		e = decodeInto[TicketReceived](data)
	case TypeTicketClassified:
		e = decodeInto[TicketClassified](data)
	case TypeTicketReprioritized:
		e = decodeInto[TicketReprioritized](data)
	case TypeTicketAssigned:
		e = decodeInto[TicketAssigned](data)
	case TypeTicketEscalated:
		e = decodeInto[TicketEscalated](data)
	case TypeTicketReplied:
		e = decodeInto[TicketReplied](data)
	case TypeCustomerReplied:
		e = decodeInto[CustomerReplied](data)
	case TypeTicketAwaitingCustomer:
		e = decodeInto[TicketAwaitingCustomer](data)
	case TypeTicketResolved:
		e = decodeInto[TicketResolved](data)
	case TypeTicketReopened:
		e = decodeInto[TicketReopened](data)
	case TypeTicketClosed:
		e = decodeInto[TicketClosed](data)
	case TypeTicketRated:
		e = decodeInto[TicketRated](data)
	case TypeSLAWarningIssued:
		e = decodeInto[SLAWarningIssued](data)
	case TypeSLABreached:
		e = decodeInto[SLABreached](data)
	case TypeStageDeadlinePassed:
		e = decodeInto[StageDeadlinePassed](data)
	case TypeStageWarningIssued:
		e = decodeInto[StageWarningIssued](data)
	case TypeTicketCustomerVerified:
		e = decodeInto[TicketCustomerVerified](data)
	case TypeTicketUnassigned:
		e = decodeInto[TicketUnassigned](data)
	case TypeTicketTagsChanged:
		e = decodeInto[TicketTagsChanged](data)
	case TypeMacroApplied:
		e = decodeInto[MacroApplied](data)
	case TypeTicketCustomerErased:
		e = decodeInto[TicketCustomerErased](data)
	case TypeAutoMessageReceived:
		e = decodeInto[AutoMessageReceived](data)
	default:
		return nil, fmt.Errorf("%w: unknown ticket event type %q", ErrInvalid, eventType)
	}
	if d, ok := e.(decodeFailure); ok {
		return nil, fmt.Errorf("%w: %s data: %v", ErrInvalid, eventType, d.err)
	}
	return e, nil
}

type decodeFailure struct{ err error }

func (decodeFailure) EventType() string { return "" }

func decodeInto[T Event](data []byte) Event {
	var v T
	if len(data) > 0 {
		if err := json.Unmarshal(data, &v); err != nil {
			return decodeFailure{err}
		}
	}
	return v
}
