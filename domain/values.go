package domain

import (
	"net/mail"
	"strings"

	"github.com/ticketengine/ticketengine/domain/text"
)

// Status is where a ticket stands in its life.
type Status string

// The statuses of API.md. Open ones are the first five.
const (
	StatusReceived   Status = "received"
	StatusClassified Status = "classified"
	StatusAssigned   Status = "assigned"
	StatusEscalated  Status = "escalated"
	StatusWaiting    Status = "waiting"
	StatusResolved   Status = "resolved"
	StatusClosed     Status = "closed"
)

// Open reports whether work on the ticket is still expected.
func (s Status) Open() bool {
	switch s {
	case StatusReceived, StatusClassified, StatusAssigned, StatusEscalated, StatusWaiting:
		return true
	}
	return false
}

// Statuses lists every status, open ones first.
func Statuses() []Status {
	return []Status{StatusReceived, StatusClassified, StatusAssigned, StatusEscalated, StatusWaiting, StatusResolved, StatusClosed}
}

// Tier is the customer's service level; it selects the SLA targets.
type Tier string

// Customer tiers.
const (
	TierVIP      Tier = "vip"
	TierCore     Tier = "core"
	TierStandard Tier = "standard"
)

// Valid reports whether t is a known tier.
func (t Tier) Valid() bool { return t == TierVIP || t == TierCore || t == TierStandard }

// Priority orders work: P1 is the most urgent.
type Priority string

// Priorities, most urgent first.
const (
	P1 Priority = "P1"
	P2 Priority = "P2"
	P3 Priority = "P3"
	P4 Priority = "P4"
)

// DefaultPriority is what an unclassified ticket counts as.
const DefaultPriority = P3

// Valid reports whether p is a known priority.
func (p Priority) Valid() bool { return p == P1 || p == P2 || p == P3 || p == P4 }

// Rank is 1 for P1 … 4 for P4, and 5 for anything else, so lower sorts first.
// It reads the two bytes instead of comparing with each priority: queues rank every open
// ticket on each page, and four string comparisons a ticket showed in their profile.
func (p Priority) Rank() int {
	if len(p) != 2 || p[0] != 'P' || p[1] < '1' || p[1] > '4' {
		return 5
	}
	return int(p[1] - '0')
}

// Raised returns the priority one level more urgent, never above P1.
func (p Priority) Raised() Priority {
	switch p {
	case P2:
		return P1
	case P3:
		return P2
	case P4:
		return P3
	case P1:
		return P1
	}
	return DefaultPriority.Raised() // an unset priority counts as P3
}

// Channel is where a request came in.
type Channel string

// Channels.
const (
	ChannelEmail Channel = "email"
	ChannelWeb   Channel = "web"
	ChannelChat  Channel = "chat"
	ChannelPhone Channel = "phone"
	ChannelAPI   Channel = "api"
)

// Valid reports whether c is a known channel.
func (c Channel) Valid() bool {
	switch c {
	case ChannelEmail, ChannelWeb, ChannelChat, ChannelPhone, ChannelAPI:
		return true
	}
	return false
}

// Customer is who asked, as they were when the ticket was received. Language picks the
// notification templates (zh or en). ID is the caller's external id (source SourceAPI);
// RecordID is the customer record the ticket joined (empty on tickets received before
// records existed: the customers projection groups those by email).
type Customer struct {
	ID       string `json:"id,omitempty"`
	RecordID string `json:"record_id,omitempty"`
	Name     string `json:"name"`
	Email    string `json:"email"`
	Phone    string `json:"phone,omitempty"`
	Tier     Tier   `json:"tier"`
	Language string `json:"language,omitempty"`
}

// DefaultTeam receives tickets classified without a team.
const DefaultTeam = "support"

// Field limits, counted in characters (runes), so Chinese text gets the same room as English.
// They are the classes of the one text rule (domain/text), not a second rule.
const (
	maxShortText = text.MaxShort
	maxSubject   = text.MaxSubject
	maxBody      = text.MaxBody
	maxReason    = text.MaxReason
)

// textOK applies the edge rule (valid UTF-8, no control characters but tab and newline, at
// most max characters) and asks for at least min characters that are not blank.
func textOK(s string, min, max int) bool {
	if _, err := text.Normalize(s, max); err != nil {
		return false
	}
	return text.Len(strings.TrimSpace(s)) >= min
}

func emailOK(s string) bool {
	if s == "" || len(s) > 254 {
		return false
	}
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s
}

func languageOK(s string) bool { return s == "" || s == "zh" || s == "en" }
