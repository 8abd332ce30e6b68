package web

import (
	"context"
	"mime/multipart"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/attachments"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/query"
	"github.com/ticketengine/ticketengine/projections"
)

// Desk is what the desk's sign-in and agent pages ask of the application.
// CommandDesk implements it on application/auth, application/command, the read side
// (projections.Service) and application/attachments.
type Desk interface {
	// SignIn is the account of email and password (auth.SignIn: the same time for an
	// unknown email); a wrong pair is application.ErrUnauthorized.
	SignIn(ctx context.Context, email, password string) (DeskUser, error)
	// Account is the account if it is still active; else application.ErrUnauthorized.
	Account(ctx context.Context, id uuid.UUID) (DeskUser, error)
	// Queue is a page of the open tickets of the filter, in the queue's order, from
	// cursor ("": the first), and the cursor of the next page ("" on the last).
	Queue(ctx context.Context, f projections.QueueFilter, limit int, cursor string) ([]query.TicketView, string, error)
	// Search is the tickets matching q (internal notes included), best first.
	Search(ctx context.Context, q string, limit int) ([]query.TicketView, error)
	// Ticket is a ticket with its conversation and its customer.
	Ticket(ctx context.Context, id uuid.UUID) (DeskTicket, error)
	// Act runs one command on a ticket as u.
	Act(ctx context.Context, u DeskUser, id uuid.UUID, a DeskAction, meta command.CommandMeta) (command.TicketResult, error)
	// File opens an attachment for download (staff may download any); an unknown id is
	// application.ErrNotFound.
	File(ctx context.Context, id string) (attachments.File, error)
	// SetPresence turns an agent's presence on or off.
	SetPresence(ctx context.Context, u DeskUser, online bool, meta command.CommandMeta) error
}

// DeskTicket is what the ticket's page shows.
type DeskTicket struct {
	Ticket   query.TicketView
	Messages []projections.MessageView
	// Customer is the customer's record; nil for a ticket without one (unverified).
	Customer *projections.CustomerView
	// Earlier are the customer's other tickets, newest first.
	Earlier []query.TicketView
	// Macros are the macros the page offers, by name.
	Macros []DeskMacro
}

// DeskMacro is a macro as the macro form lists it.
type DeskMacro struct {
	ID   uuid.UUID
	Name string
}

// DeskAction is one of the ticket page's forms: Name is the command (reply, note,
// macro, tags, classify, assign, escalate, wait, resolve, reopen, close), Fields the
// form's values by the API's field names, Files its attachments.
type DeskAction struct {
	Name   string
	Fields map[string]string
	Files  []*multipart.FileHeader
}
