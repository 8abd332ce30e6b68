package domain

import (
	"strings"
	"time"

	"github.com/google/uuid"
)

// ReceiveTicket is a new request from a customer.
type ReceiveTicket struct {
	Channel  Channel
	Customer Customer
	Subject  string
	Body     string
	// Unverified is set only by the self-service route (POST /portal/tickets): the address
	// is unconfirmed, so the ticket joins no customer record and runs on the standard tier
	// until VerifyCustomer.
	Unverified bool
	// Attachments are the files of the first message, resolved and claimed already.
	Attachments []Attachment
	// Source is the configured intake the request came through (a channel name such as
	// "wechat", or a mailbox), "" for the API and the portal; it is also the source of
	// Customer.ID (external ids are kept per source).
	Source string
	// FollowUpOf names the closed ticket a message continued (channels and mail).
	FollowUpOf uuid.UUID
	// Team receives the ticket; "" is DefaultTeam (a mailbox may name its own).
	Team string
}

// Validate checks the request's fields.
func (c ReceiveTicket) Validate() error {
	var v validator
	v.check(c.Channel.Valid(), "channel", "must be one of email, web, chat, phone, api")
	v.check(textOK(c.Customer.Name, 1, maxShortText), "customer.name", "is required, at most 200 characters")
	checkContact(&v, c.Customer, c.Customer.ID != "", c.needsEmail())
	v.check(c.Customer.Tier == "" || c.Customer.Tier.Valid(), "customer.tier", "must be one of vip, core, standard")
	v.check(textOK(c.Customer.ID, 0, maxShortText), "customer.id", "is at most 200 characters")
	v.check(languageOK(c.Customer.Language), "customer.language", "must be zh or en")
	v.check(textOK(c.Subject, 1, maxSubject), "subject", "is required, at most 500 characters")
	v.check(textOK(c.Body, 0, maxBody), "body", "is at most 100000 characters")
	v.check(attachmentsOK(c.Attachments), "attachments", "are at most 20, each named once")
	v.check(textOK(c.Source, 0, maxShortText), "source", "is at most 200 characters")
	v.check(textOK(c.Team, 0, maxShortText), "team", "is at most 200 characters")
	return v.err()
}

// needsEmail: a self-service ticket (its customer is mailed their access code) and a ticket
// of channel email or web (answered by mail) need the customer's address; a chat, phone or
// API ticket may name its customer by external id or phone alone.
func (c ReceiveTicket) needsEmail() bool {
	return c.Unverified || c.Channel == ChannelEmail || c.Channel == ChannelWeb
}

// Receive opens a ticket: the clocks start now, at the default priority for the customer's
// tier. The tier is the customer record's (the application fills it in), so it is required here.
func Receive(c ReceiveTicket, id uuid.UUID, number, accessCodeHash string, now time.Time, p SLAPolicy) ([]Event, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if c.Customer.Tier == "" {
		return nil, &ValidationError{Fields: []FieldError{{Field: "customer.tier", Message: "is required"}}}
	}
	return []Event{TicketReceived{
		TicketID: id, Number: number, AccessCodeHash: accessCodeHash,
		Channel: c.Channel, Customer: c.Customer, Subject: c.Subject, Body: c.Body,
		Priority: DefaultPriority, Team: teamOr(c.Team),
		SLA:        dueFrom(p.CalendarFor(teamOr(c.Team), c.Customer.Tier), now, p.Target(c.Customer.Tier, DefaultPriority)),
		Unverified: c.Unverified, Attachments: cloneAttachments(c.Attachments),
		Source: c.Source, FollowUpOf: c.FollowUpOf,
	}}, nil
}

func teamOr(team string) string {
	if team == "" {
		return DefaultTeam
	}
	return team
}

// ClassifyTicket sets what the ticket is about and how urgent it is.
type ClassifyTicket struct {
	Category string
	Priority Priority
	Team     string
	Rule     string // set when a configured rule, not a person, classified
}

// Classify is allowed from any open status; from received it moves to classified.
func (t *Ticket) Classify(c ClassifyTicket, p SLAPolicy) ([]Event, error) {
	var v validator
	v.check(textOK(c.Category, 1, maxShortText), "category", "is required, at most 200 characters")
	v.check(c.Priority.Valid(), "priority", "must be one of P1, P2, P3, P4")
	v.check(textOK(c.Team, 0, maxShortText), "team", "is at most 200 characters")
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := t.require("classify", t.s.Status.Open()); err != nil {
		return nil, err
	}
	team := strings.TrimSpace(c.Team)
	if team == "" {
		team = t.s.Team
	}
	s := t.s
	s.Team = team // the new team's calendar counts from here
	return []Event{TicketClassified{Category: c.Category, Priority: c.Priority, Team: team, Rule: c.Rule, SLA: s.dueFor(p, c.Priority)}}, nil
}

// Reprioritize changes the priority alone, as a tier rule does; no event when nothing changes.
func (t *Ticket) Reprioritize(prio Priority, rule string, p SLAPolicy) ([]Event, error) {
	var v validator
	v.check(prio.Valid(), "priority", "must be one of P1, P2, P3, P4")
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := t.require("reprioritize", t.s.Status.Open()); err != nil {
		return nil, err
	}
	if prio == t.s.Priority {
		return nil, nil
	}
	return []Event{TicketReprioritized{Priority: prio, Rule: rule, SLA: t.s.dueFor(p, prio)}}, nil
}

// AssignTicket names the agent; the application checks that the agent exists.
type AssignTicket struct {
	AgentID   uuid.UUID
	AgentName string
	Auto      bool
	Rule      string
}

// Assign is allowed from received, classified, assigned and escalated. Assigning the
// current assignee again changes nothing.
func (t *Ticket) Assign(c AssignTicket) ([]Event, error) {
	var v validator
	v.check(c.AgentID != uuid.Nil, "agent_id", "is required")
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := t.require("assign", t.in(StatusReceived, StatusClassified, StatusAssigned, StatusEscalated)); err != nil {
		return nil, err
	}
	if t.s.Status == StatusAssigned && t.s.Assignee == c.AgentID {
		return nil, nil
	}
	return []Event{TicketAssigned{AgentID: c.AgentID, AgentName: c.AgentName, Auto: c.Auto, Rule: c.Rule}}, nil
}

// EscalateTicket hands the ticket to a team; an empty team means the policy's escalation team.
type EscalateTicket struct {
	Team   string
	Reason string
}

// Escalate is allowed from received, classified, assigned and waiting.
func (t *Ticket) Escalate(c EscalateTicket, now time.Time, p SLAPolicy) ([]Event, error) {
	var v validator
	v.check(textOK(c.Reason, 1, maxReason), "reason", "is required, at most 2000 characters")
	v.check(textOK(c.Team, 0, maxShortText), "team", "is at most 200 characters")
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := t.require("escalate", t.in(StatusReceived, StatusClassified, StatusAssigned, StatusWaiting)); err != nil {
		return nil, err
	}
	return []Event{t.escalation(c, now, p)}, nil
}

func (t *Ticket) escalation(c EscalateTicket, now time.Time, p SLAPolicy) TicketEscalated {
	team := strings.TrimSpace(c.Team)
	if team == "" {
		team = p.EscalationTeam
	}
	e := TicketEscalated{Team: team, Reason: c.Reason, Level: t.s.EscalationLevel + 1}
	if t.s.Status == StatusWaiting {
		due := t.s.resumedDue(now, p)
		e.SLA = &due
	}
	return e
}

// Reply posts a staff message: public to the customer, or an internal note, with the
// files it carries (resolved and claimed by the application).
func (t *Ticket) Reply(body string, public bool, atts ...Attachment) ([]Event, error) {
	return t.ReplyAt(body, public, time.Time{}, SLAPolicy{}, atts...)
}

// ReplyAt is Reply at now: the first public reply of a ticket under a business calendar
// carries the first response's working time (ticket_kpi_work.go).
func (t *Ticket) ReplyAt(body string, public bool, now time.Time, p SLAPolicy, atts ...Attachment) ([]Event, error) {
	var v validator
	v.check(textOK(body, 1, maxBody), "body", "is required, at most 100000 characters")
	v.check(attachmentsOK(atts), "attachments", "are at most 20, each named once")
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := t.require("reply", t.s.Status.Open()); err != nil {
		return nil, err
	}
	e := TicketReplied{Body: body, Public: public, Attachments: cloneAttachments(atts)}
	if public {
		e.FirstResponseWork = t.s.firstResponseWork(now, p)
	}
	return []Event{e}, nil
}

// Wait puts the ticket on hold for the customer; the SLA clocks pause.
func (t *Ticket) Wait(reason string) ([]Event, error) {
	var v validator
	v.check(textOK(reason, 1, maxReason), "reason", "is required, at most 2000 characters")
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := t.require("wait", t.in(StatusAssigned, StatusEscalated)); err != nil {
		return nil, err
	}
	return []Event{TicketAwaitingCustomer{Reason: reason}}, nil
}

// Resolve is allowed from assigned, escalated and waiting; a waiting ticket's clocks resume
// by calendar time (ResolveAt decides under the policy's calendars).
func (t *Ticket) Resolve(resolution string) ([]Event, error) {
	return t.ResolveAt(resolution, time.Time{}, SLAPolicy{})
}

// ResolveAt resolves at now: a waiting ticket under a business calendar records the due
// times its wait's end gives them, decided under the calendar in force.
func (t *Ticket) ResolveAt(resolution string, now time.Time, p SLAPolicy) ([]Event, error) {
	var v validator
	v.check(textOK(resolution, 1, maxBody), "resolution", "is required, at most 100000 characters")
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := t.require("resolve", t.in(StatusAssigned, StatusEscalated, StatusWaiting)); err != nil {
		return nil, err
	}
	return []Event{t.s.resolution(resolution, now, p)}, nil
}

// Reopen brings a resolved ticket back; the resolution clock starts again now.
func (t *Ticket) Reopen(reason string, now time.Time, p SLAPolicy) ([]Event, error) {
	var v validator
	v.check(textOK(reason, 0, maxReason), "reason", "is at most 2000 characters")
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := t.require("reopen", t.s.Status == StatusResolved); err != nil {
		return nil, err
	}
	return []Event{t.reopening(reason, now, p)}, nil
}

func (t *Ticket) reopening(reason string, now time.Time, p SLAPolicy) TicketReopened {
	target := p.Target(t.s.Customer.Tier, t.s.Priority)
	due := after(t.s.calendar(p), now, target.Resolution)
	return TicketReopened{Reason: reason, SLA: SLADue{FirstResponseDue: t.s.SLA.FirstResponseDue, ResolutionDue: due}}
}

// Close ends a resolved ticket for good.
func (t *Ticket) Close() ([]Event, error) {
	if err := t.require("close", t.s.Status == StatusResolved); err != nil {
		return nil, err
	}
	return []Event{TicketClosed{}}, nil
}

// CustomerReply is the customer's message from the portal: it resumes a waiting ticket
// and reopens a resolved one. atts are the files it carries.
func (t *Ticket) CustomerReply(body string, now time.Time, p SLAPolicy, atts ...Attachment) ([]Event, error) {
	var v validator
	v.check(textOK(body, 1, maxBody), "body", "is required, at most 100000 characters")
	v.check(attachmentsOK(atts), "attachments", "are at most 20, each named once")
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := t.require("customer reply", t.s.Status.Open() || t.s.Status == StatusResolved); err != nil {
		return nil, err
	}
	e := CustomerReplied{Body: body, Attachments: cloneAttachments(atts)}
	if t.s.Status == StatusWaiting {
		due := t.s.resumedDue(now, p)
		e.SLA = &due
	}
	if t.s.Status == StatusResolved {
		return []Event{e, t.reopening("customer replied", now, p)}, nil
	}
	return []Event{e}, nil
}

// Rate records the customer's score (and, when given, their NPS answer), once per
// resolution, while resolved or closed.
func (t *Ticket) Rate(score int, nps *int, comment string) ([]Event, error) {
	var v validator
	v.check(score >= 1 && score <= 5, "score", "must be an integer from 1 to 5")
	v.check(nps == nil || (*nps >= 0 && *nps <= 10), "nps", "must be an integer from 0 to 10")
	v.check(textOK(comment, 0, maxReason), "comment", "is at most 2000 characters")
	if err := v.err(); err != nil {
		return nil, err
	}
	rateable := (t.s.Status == StatusResolved || t.s.Status == StatusClosed) && t.s.RatedFor < t.s.Resolutions
	if err := t.require("rate", rateable); err != nil {
		return nil, err
	}
	return []Event{TicketRated{Score: score, NPS: nps, Comment: comment}}, nil
}

func (t *Ticket) require(command string, ok bool) error {
	if !t.Exists() {
		return ErrNotFound
	}
	if !ok {
		return &TransitionError{Command: command, From: t.s.Status}
	}
	return nil
}

func (t *Ticket) in(statuses ...Status) bool {
	for _, s := range statuses {
		if t.s.Status == s {
			return true
		}
	}
	return false
}
