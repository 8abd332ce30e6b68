package command

import (
	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// The commands on one existing ticket whose whole logic is the domain decision they call.
// Each is its fields, the ticket it names, its decision, and the constructor of its
// TicketHandler with the ports it uses (a policy only where the decision needs one).

// ClassifyTicket sets category, priority and team.
type ClassifyTicket struct {
	TicketID uuid.UUID
	domain.ClassifyTicket
}

// ClassifyTicketHandler handles ClassifyTicket.
type ClassifyTicketHandler = TicketHandler[ClassifyTicket]

// NewClassifyTicketHandler returns the handler on its ports; it panics when store or clock is nil.
func NewClassifyTicketHandler(store eventlog.EventStore, clock application.Clock, cache *StreamCache, policy domain.SLAPolicy) ClassifyTicketHandler {
	return newTicketHandler[ClassifyTicket](store, clock, cache, policy)
}

func (c ClassifyTicket) ticket() uuid.UUID { return c.TicketID }

// decide classifies; the rule that issued the command (if any) is recorded with it.
func (c ClassifyTicket) decide(t *domain.Ticket, d decision) ([]domain.Event, error) {
	c.Rule = d.meta.Rule
	return t.Classify(c.ClassifyTicket, d.policy)
}

// ReprioritizeTicket changes only the priority (tier rules).
type ReprioritizeTicket struct {
	TicketID uuid.UUID
	Priority domain.Priority
}

// ReprioritizeTicketHandler handles ReprioritizeTicket.
type ReprioritizeTicketHandler = TicketHandler[ReprioritizeTicket]

// NewReprioritizeTicketHandler returns the handler on its ports; it panics when store or clock is nil.
func NewReprioritizeTicketHandler(store eventlog.EventStore, clock application.Clock, cache *StreamCache, policy domain.SLAPolicy) ReprioritizeTicketHandler {
	return newTicketHandler[ReprioritizeTicket](store, clock, cache, policy)
}

func (c ReprioritizeTicket) ticket() uuid.UUID { return c.TicketID }

func (c ReprioritizeTicket) decide(t *domain.Ticket, d decision) ([]domain.Event, error) {
	return t.Reprioritize(c.Priority, d.meta.Rule, d.policy)
}

// EscalateTicket hands the ticket to another team.
type EscalateTicket struct {
	TicketID uuid.UUID
	domain.EscalateTicket
}

// EscalateTicketHandler handles EscalateTicket.
type EscalateTicketHandler = TicketHandler[EscalateTicket]

// NewEscalateTicketHandler returns the handler on its ports; it panics when store or clock is nil.
func NewEscalateTicketHandler(store eventlog.EventStore, clock application.Clock, cache *StreamCache, policy domain.SLAPolicy) EscalateTicketHandler {
	return newTicketHandler[EscalateTicket](store, clock, cache, policy)
}

func (c EscalateTicket) ticket() uuid.UUID { return c.TicketID }

func (c EscalateTicket) decide(t *domain.Ticket, d decision) ([]domain.Event, error) {
	return t.Escalate(c.EscalateTicket, d.now, d.policy)
}

// ReplyToTicket is a staff reply; Public false makes it an internal note.
type ReplyToTicket struct {
	TicketID    uuid.UUID
	Body        string
	Public      bool
	Attachments []domain.Attachment // resolved and claimed (application/attachments)
}

// ReplyToTicketHandler handles ReplyToTicket.
type ReplyToTicketHandler = TicketHandler[ReplyToTicket]

// NewReplyToTicketHandler returns the handler on its ports; it panics when store or clock is nil.
func NewReplyToTicketHandler(store eventlog.EventStore, clock application.Clock, cache *StreamCache) ReplyToTicketHandler {
	return newTicketHandler[ReplyToTicket](store, clock, cache, domain.SLAPolicy{})
}

// NewReplyToTicketHandlerUnder is NewReplyToTicketHandler deciding under policy's calendars:
// the first public reply carries the first response's working time (KPI in business time).
func NewReplyToTicketHandlerUnder(store eventlog.EventStore, clock application.Clock, cache *StreamCache, policy domain.SLAPolicy) ReplyToTicketHandler {
	return newTicketHandler[ReplyToTicket](store, clock, cache, policy)
}

func (c ReplyToTicket) ticket() uuid.UUID { return c.TicketID }

func (c ReplyToTicket) decide(t *domain.Ticket, d decision) ([]domain.Event, error) {
	return t.ReplyAt(c.Body, c.Public, d.now, d.policy, c.Attachments...)
}

// WaitOnCustomer pauses the SLA clocks until the customer answers.
type WaitOnCustomer struct {
	TicketID uuid.UUID
	Reason   string
}

// WaitOnCustomerHandler handles WaitOnCustomer.
type WaitOnCustomerHandler = TicketHandler[WaitOnCustomer]

// NewWaitOnCustomerHandler returns the handler on its ports; it panics when store or clock is nil.
func NewWaitOnCustomerHandler(store eventlog.EventStore, clock application.Clock, cache *StreamCache) WaitOnCustomerHandler {
	return newTicketHandler[WaitOnCustomer](store, clock, cache, domain.SLAPolicy{})
}

func (c WaitOnCustomer) ticket() uuid.UUID { return c.TicketID }

func (c WaitOnCustomer) decide(t *domain.Ticket, _ decision) ([]domain.Event, error) {
	return t.Wait(c.Reason)
}

// ResolveTicket records the resolution.
type ResolveTicket struct {
	TicketID   uuid.UUID
	Resolution string
}

// ResolveTicketHandler handles ResolveTicket.
type ResolveTicketHandler = TicketHandler[ResolveTicket]

// NewResolveTicketHandler returns the handler on its ports; it panics when store or clock
// is nil. Its decisions use no calendar (resolving a waiting ticket moves the due times by
// calendar time); NewResolveTicketHandlerUnder gives it the policy's calendars.
func NewResolveTicketHandler(store eventlog.EventStore, clock application.Clock, cache *StreamCache) ResolveTicketHandler {
	return newTicketHandler[ResolveTicket](store, clock, cache, domain.SLAPolicy{})
}

// NewResolveTicketHandlerUnder is NewResolveTicketHandler deciding under policy's calendars.
func NewResolveTicketHandlerUnder(store eventlog.EventStore, clock application.Clock, cache *StreamCache, policy domain.SLAPolicy) ResolveTicketHandler {
	return newTicketHandler[ResolveTicket](store, clock, cache, policy)
}

func (c ResolveTicket) ticket() uuid.UUID { return c.TicketID }

func (c ResolveTicket) decide(t *domain.Ticket, d decision) ([]domain.Event, error) {
	return t.ResolveAt(c.Resolution, d.now, d.policy)
}

// ReopenTicket brings a resolved ticket back.
type ReopenTicket struct {
	TicketID uuid.UUID
	Reason   string
}

// ReopenTicketHandler handles ReopenTicket.
type ReopenTicketHandler = TicketHandler[ReopenTicket]

// NewReopenTicketHandler returns the handler on its ports; it panics when store or clock is nil.
func NewReopenTicketHandler(store eventlog.EventStore, clock application.Clock, cache *StreamCache, policy domain.SLAPolicy) ReopenTicketHandler {
	return newTicketHandler[ReopenTicket](store, clock, cache, policy)
}

func (c ReopenTicket) ticket() uuid.UUID { return c.TicketID }

func (c ReopenTicket) decide(t *domain.Ticket, d decision) ([]domain.Event, error) {
	return t.Reopen(c.Reason, d.now, d.policy)
}

// CloseTicket ends a resolved ticket.
type CloseTicket struct {
	TicketID uuid.UUID
}

// CloseTicketHandler handles CloseTicket.
type CloseTicketHandler = TicketHandler[CloseTicket]

// NewCloseTicketHandler returns the handler on its ports; it panics when store or clock is nil.
func NewCloseTicketHandler(store eventlog.EventStore, clock application.Clock, cache *StreamCache) CloseTicketHandler {
	return newTicketHandler[CloseTicket](store, clock, cache, domain.SLAPolicy{})
}

func (c CloseTicket) ticket() uuid.UUID { return c.TicketID }

func (c CloseTicket) decide(t *domain.Ticket, _ decision) ([]domain.Event, error) {
	return t.Close()
}

// CustomerReply is the customer's message from the portal: it resumes a waiting ticket
// and reopens a resolved one.
type CustomerReply struct {
	TicketID    uuid.UUID
	Body        string
	Attachments []domain.Attachment // resolved and claimed (application/attachments)
}

// CustomerReplyHandler handles CustomerReply.
type CustomerReplyHandler = TicketHandler[CustomerReply]

// NewCustomerReplyHandler returns the handler on its ports; it panics when store or clock is nil.
func NewCustomerReplyHandler(store eventlog.EventStore, clock application.Clock, cache *StreamCache, policy domain.SLAPolicy) CustomerReplyHandler {
	return newTicketHandler[CustomerReply](store, clock, cache, policy)
}

func (c CustomerReply) ticket() uuid.UUID { return c.TicketID }

func (c CustomerReply) decide(t *domain.Ticket, d decision) ([]domain.Event, error) {
	return t.CustomerReply(c.Body, d.now, d.policy, c.Attachments...)
}

// RateTicket is the customer's satisfaction rating, once per resolution.
type RateTicket struct {
	TicketID uuid.UUID
	Score    int
	NPS      *int // 0 to 10, when the customer answered it
	Comment  string
}

// RateTicketHandler handles RateTicket.
type RateTicketHandler = TicketHandler[RateTicket]

// NewRateTicketHandler returns the handler on its ports; it panics when store or clock is nil.
func NewRateTicketHandler(store eventlog.EventStore, clock application.Clock, cache *StreamCache) RateTicketHandler {
	return newTicketHandler[RateTicket](store, clock, cache, domain.SLAPolicy{})
}

func (c RateTicket) ticket() uuid.UUID { return c.TicketID }

func (c RateTicket) decide(t *domain.Ticket, _ decision) ([]domain.Event, error) {
	return t.Rate(c.Score, c.NPS, c.Comment)
}
