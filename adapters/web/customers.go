package web

import (
	"context"
	"errors"
	"fmt"
	"mime/multipart"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/attachments"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/domain/errs"
)

// CommandCustomers is Customers on the application's commands, with the files of the
// forms going through the attachments use case (application/attachments) as the API's
// uploads do. Without Attachments the forms offer no file input, and a form that sends
// files anyway is refused (422), never silently dropped.
type CommandCustomers struct {
	Commands    *command.Commands
	Attachments *attachments.Service
}

// Features implements Customers.
func (c CommandCustomers) Features() Features {
	return Features{Attachments: c.Attachments != nil, NPS: true}
}

// Find implements Customers.
func (c CommandCustomers) Find(ctx context.Context, number, code string) (uuid.UUID, error) {
	return c.Commands.FindByNumber.Find(ctx, number, code)
}

// Open implements Customers: a web ticket, unverified until the mailed link is followed.
// Its files are uploaded as the opener's (the client's pseudonymous actor, as for POST
// /portal/attachments) and claimed by the ticket in the same request.
func (c CommandCustomers) Open(ctx context.Context, o Opening, meta command.CommandMeta) (Opened, error) {
	var res command.ReceivedTicket
	err := c.attached(ctx, meta.Actor, o.Attachments, meta, func(atts []domain.Attachment) error {
		var err error
		res, err = c.Commands.Receive.Handle(ctx, command.ReceiveTicket{Channel: domain.ChannelWeb,
			Customer: domain.Customer{Name: o.Name, Email: o.Email},
			Subject:  o.Subject, Body: o.Body, Unverified: true, Attachments: atts}, meta)
		return err
	})
	if err != nil {
		return Opened{}, err
	}
	return Opened{Number: res.Ticket.Number, AccessCode: res.AccessCode, Version: res.Ticket.Version}, nil
}

// Confirm implements Customers.
func (c CommandCustomers) Confirm(ctx context.Context, id uuid.UUID, token string, meta command.CommandMeta) (command.TicketResult, error) {
	return c.Commands.VerifyCustomer.Handle(ctx, command.VerifyTicketCustomer{TicketID: id, Token: token}, meta)
}

// Reply implements Customers; the files are the ticket's (attachments.TicketUploader),
// as those of POST /portal/tickets/{number}/attachments.
func (c CommandCustomers) Reply(ctx context.Context, id uuid.UUID, r Reply, meta command.CommandMeta) (command.TicketResult, error) {
	var res command.TicketResult
	err := c.attached(ctx, attachments.TicketUploader(id), r.Attachments, meta, func(atts []domain.Attachment) error {
		var err error
		res, err = c.Commands.CustomerReply.Handle(ctx, command.CustomerReply{TicketID: id, Body: r.Body, Attachments: atts}, meta)
		return err
	})
	return res, err
}

// Rate implements Customers.
func (c CommandCustomers) Rate(ctx context.Context, id uuid.UUID, r Rating, meta command.CommandMeta) (command.TicketResult, error) {
	return c.Commands.Rate.Handle(ctx, command.RateTicket{TicketID: id, Score: r.Score, NPS: r.NPS, Comment: r.Comment}, meta)
}

// Attachment implements Customers: only a file of the ticket's public timeline
// (attachments.Service.OpenForTicket, as GET /portal/tickets/{number}/attachments/{id}).
func (c CommandCustomers) Attachment(ctx context.Context, ticketID uuid.UUID, id string) (attachments.File, error) {
	if c.Attachments == nil {
		return attachments.File{}, application.ErrNotFound
	}
	return c.Attachments.OpenForTicket(ctx, ticketID, id)
}

// attached uploads a form's files for the uploader, then runs the message's command with
// them claimed (attachments.Service.Attach: released again when the command is refused).
// The uploads are marked to expire unclaimed, like anonymous ones: the form uploads and
// attaches in one request, so an upload its refused form left behind is swept.
func (c CommandCustomers) attached(ctx context.Context, uploader string, files []*multipart.FileHeader, m command.CommandMeta, run func([]domain.Attachment) error) error {
	if len(files) == 0 {
		return run(nil)
	}
	if c.Attachments == nil {
		return invalid("attachments", "are not enabled on this server")
	}
	meta := eventlog.Metadata{Actor: uploader, CorrelationID: m.CorrelationID, CausationID: m.CausationID}
	ids := make([]string, 0, len(files))
	for _, fh := range files {
		a, err := c.upload(ctx, attachments.Upload{Uploader: uploader, Filename: fh.Filename, Anonymous: true, Meta: meta}, fh)
		if err != nil {
			return err
		}
		ids = append(ids, a.ID)
	}
	meta.Actor = m.Actor
	return c.Attachments.Attach(ctx, uploader, ids, attachments.ClaimKey(uploader, ""), meta, run)
}

// upload stores one file; what the attachments refuse (its type, its size, an empty
// file) is the form's attachments field, shown again with the form.
func (c CommandCustomers) upload(ctx context.Context, u attachments.Upload, fh *multipart.FileHeader) (domain.Attachment, error) {
	f, err := fh.Open()
	if err != nil {
		return domain.Attachment{}, fmt.Errorf("open the form's file: %w", err)
	}
	defer f.Close()
	a, err := c.Attachments.Upload(ctx, u, f)
	var ve *domain.ValidationError
	switch k := errs.KindOf(err); {
	case err == nil:
		return a, nil
	case errors.As(err, &ve), k == errs.UnsupportedMediaType, k == errs.TooLarge:
		return domain.Attachment{}, invalid("attachments", err.Error())
	default:
		return domain.Attachment{}, err
	}
}
