package application

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/domain"
)

// This file holds the small ticket commands whose handler only names the domain decision.
// Commands with more to do (receive, assign, portal) have files of their own.

// ClassifyTicket sets category, priority and team.
type ClassifyTicket struct {
	TicketID uuid.UUID
	domain.ClassifyTicket
}

// ClassifyTicketHandler handles ClassifyTicket.
type ClassifyTicketHandler struct{ d Deps }

// NewClassifyTicketHandler returns the handler.
func NewClassifyTicketHandler(d Deps) ClassifyTicketHandler { return ClassifyTicketHandler{d} }

// Handle classifies the ticket.
func (h ClassifyTicketHandler) Handle(ctx context.Context, c ClassifyTicket, meta CommandMeta) (TicketResult, error) {
	c.Rule = meta.Rule
	return ticketUpdate(ctx, h.d, c.TicketID, meta, func(t *domain.Ticket, _ time.Time) ([]domain.Event, error) {
		return t.Classify(c.ClassifyTicket, h.d.Policy)
	})
}

// ReprioritizeTicket changes only the priority (tier rules).
type ReprioritizeTicket struct {
	TicketID uuid.UUID
	Priority domain.Priority
}

// ReprioritizeTicketHandler handles ReprioritizeTicket.
type ReprioritizeTicketHandler struct{ d Deps }

// NewReprioritizeTicketHandler returns the handler.
func NewReprioritizeTicketHandler(d Deps) ReprioritizeTicketHandler {
	return ReprioritizeTicketHandler{d}
}

// Handle changes the priority.
func (h ReprioritizeTicketHandler) Handle(ctx context.Context, c ReprioritizeTicket, meta CommandMeta) (TicketResult, error) {
	return ticketUpdate(ctx, h.d, c.TicketID, meta, func(t *domain.Ticket, _ time.Time) ([]domain.Event, error) {
		return t.Reprioritize(c.Priority, meta.Rule, h.d.Policy)
	})
}

// EscalateTicket hands the ticket to another team.
type EscalateTicket struct {
	TicketID uuid.UUID
	domain.EscalateTicket
}

// EscalateTicketHandler handles EscalateTicket.
type EscalateTicketHandler struct{ d Deps }

// NewEscalateTicketHandler returns the handler.
func NewEscalateTicketHandler(d Deps) EscalateTicketHandler { return EscalateTicketHandler{d} }

// Handle escalates.
func (h EscalateTicketHandler) Handle(ctx context.Context, c EscalateTicket, meta CommandMeta) (TicketResult, error) {
	return ticketUpdate(ctx, h.d, c.TicketID, meta, func(t *domain.Ticket, now time.Time) ([]domain.Event, error) {
		return t.Escalate(c.EscalateTicket, now, h.d.Policy)
	})
}

// ReplyToTicket is a staff reply; Public false makes it an internal note.
type ReplyToTicket struct {
	TicketID uuid.UUID
	Body     string
	Public   bool
}

// ReplyToTicketHandler handles ReplyToTicket.
type ReplyToTicketHandler struct{ d Deps }

// NewReplyToTicketHandler returns the handler.
func NewReplyToTicketHandler(d Deps) ReplyToTicketHandler { return ReplyToTicketHandler{d} }

// Handle posts the reply.
func (h ReplyToTicketHandler) Handle(ctx context.Context, c ReplyToTicket, meta CommandMeta) (TicketResult, error) {
	return ticketUpdate(ctx, h.d, c.TicketID, meta, func(t *domain.Ticket, _ time.Time) ([]domain.Event, error) {
		return t.Reply(c.Body, c.Public)
	})
}

// WaitOnCustomer pauses the SLA clocks until the customer answers.
type WaitOnCustomer struct {
	TicketID uuid.UUID
	Reason   string
}

// WaitOnCustomerHandler handles WaitOnCustomer.
type WaitOnCustomerHandler struct{ d Deps }

// NewWaitOnCustomerHandler returns the handler.
func NewWaitOnCustomerHandler(d Deps) WaitOnCustomerHandler { return WaitOnCustomerHandler{d} }

// Handle puts the ticket on waiting.
func (h WaitOnCustomerHandler) Handle(ctx context.Context, c WaitOnCustomer, meta CommandMeta) (TicketResult, error) {
	return ticketUpdate(ctx, h.d, c.TicketID, meta, func(t *domain.Ticket, _ time.Time) ([]domain.Event, error) {
		return t.Wait(c.Reason)
	})
}

// ResolveTicket records the resolution.
type ResolveTicket struct {
	TicketID   uuid.UUID
	Resolution string
}

// ResolveTicketHandler handles ResolveTicket.
type ResolveTicketHandler struct{ d Deps }

// NewResolveTicketHandler returns the handler.
func NewResolveTicketHandler(d Deps) ResolveTicketHandler { return ResolveTicketHandler{d} }

// Handle resolves.
func (h ResolveTicketHandler) Handle(ctx context.Context, c ResolveTicket, meta CommandMeta) (TicketResult, error) {
	return ticketUpdate(ctx, h.d, c.TicketID, meta, func(t *domain.Ticket, _ time.Time) ([]domain.Event, error) {
		return t.Resolve(c.Resolution)
	})
}

// ReopenTicket brings a resolved ticket back.
type ReopenTicket struct {
	TicketID uuid.UUID
	Reason   string
}

// ReopenTicketHandler handles ReopenTicket.
type ReopenTicketHandler struct{ d Deps }

// NewReopenTicketHandler returns the handler.
func NewReopenTicketHandler(d Deps) ReopenTicketHandler { return ReopenTicketHandler{d} }

// Handle reopens.
func (h ReopenTicketHandler) Handle(ctx context.Context, c ReopenTicket, meta CommandMeta) (TicketResult, error) {
	return ticketUpdate(ctx, h.d, c.TicketID, meta, func(t *domain.Ticket, now time.Time) ([]domain.Event, error) {
		return t.Reopen(c.Reason, now, h.d.Policy)
	})
}

// CloseTicket ends a resolved ticket.
type CloseTicket struct {
	TicketID uuid.UUID
}

// CloseTicketHandler handles CloseTicket.
type CloseTicketHandler struct{ d Deps }

// NewCloseTicketHandler returns the handler.
func NewCloseTicketHandler(d Deps) CloseTicketHandler { return CloseTicketHandler{d} }

// Handle closes.
func (h CloseTicketHandler) Handle(ctx context.Context, c CloseTicket, meta CommandMeta) (TicketResult, error) {
	return ticketUpdate(ctx, h.d, c.TicketID, meta, func(t *domain.Ticket, _ time.Time) ([]domain.Event, error) {
		return t.Close()
	})
}
