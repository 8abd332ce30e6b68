package web

import (
	"context"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/domain"
)

// CommandCustomers is Customers on the application's commands, as main has them: no
// attachments and no NPS yet, so Features offers neither and a form that sends them
// anyway is refused (422), never silently dropped.
//
// SEAM (attachments, NPS): when command.ReceiveTicket / CustomerReply take attachment ids
// and RateTicket takes NPS, pass them through in Open, Reply and Rate below (uploading
// each file with the attachments port first) and turn the feature on in Features.
type CommandCustomers struct {
	Commands *command.Commands
}

// Features implements Customers.
func (c CommandCustomers) Features() Features { return Features{} }

// Find implements Customers.
func (c CommandCustomers) Find(ctx context.Context, number, code string) (uuid.UUID, error) {
	return c.Commands.FindByNumber.Find(ctx, number, code)
}

// Open implements Customers: a web ticket, unverified until the mailed link is followed.
func (c CommandCustomers) Open(ctx context.Context, o Opening, meta command.CommandMeta) (Opened, error) {
	if len(o.Attachments) > 0 {
		return Opened{}, unsupported("attachments")
	}
	res, err := c.Commands.Receive.Handle(ctx, command.ReceiveTicket{Channel: domain.ChannelWeb,
		Customer: domain.Customer{Name: o.Name, Email: o.Email},
		Subject:  o.Subject, Body: o.Body, Unverified: true}, meta)
	if err != nil {
		return Opened{}, err
	}
	return Opened{Number: res.Ticket.Number, AccessCode: res.AccessCode, Version: res.Ticket.Version}, nil
}

// Confirm implements Customers.
func (c CommandCustomers) Confirm(ctx context.Context, id uuid.UUID, token string, meta command.CommandMeta) (command.TicketResult, error) {
	return c.Commands.VerifyCustomer.Handle(ctx, command.VerifyTicketCustomer{TicketID: id, Token: token}, meta)
}

// Reply implements Customers.
func (c CommandCustomers) Reply(ctx context.Context, id uuid.UUID, r Reply, meta command.CommandMeta) (command.TicketResult, error) {
	if len(r.Attachments) > 0 {
		return command.TicketResult{}, unsupported("attachments")
	}
	return c.Commands.CustomerReply.Handle(ctx, command.CustomerReply{TicketID: id, Body: r.Body}, meta)
}

// Rate implements Customers.
func (c CommandCustomers) Rate(ctx context.Context, id uuid.UUID, r Rating, meta command.CommandMeta) (command.TicketResult, error) {
	if r.NPS != nil {
		return command.TicketResult{}, unsupported("nps")
	}
	return c.Commands.Rate.Handle(ctx, command.RateTicket{TicketID: id, Score: r.Score, Comment: r.Comment}, meta)
}

func unsupported(field string) error {
	return &domain.ValidationError{Fields: []domain.FieldError{{Field: field, Message: "is not supported by this server yet"}}}
}
