package web

import (
	"context"
	"errors"
	"fmt"
	"mime/multipart"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/access"
	"github.com/ticketengine/ticketengine/application/attachments"
	"github.com/ticketengine/ticketengine/application/auth"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/application/query"
	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections"
)

// CommandDesk is Desk on the application: accounts and tickets from the event store,
// queues, search, messages and customers from the read side, commands through the
// handlers the API uses, files through the attachments service (nil: none).
type CommandDesk struct {
	Store       eventlog.EventStore
	Read        *projections.Service
	Commands    *command.Commands
	Attachments *attachments.Service
	Clock       application.Clock
	// Accounts keeps the accounts folded for the session check (desk_account_cache.go);
	// nil folds each from its whole stream every time.
	Accounts *AccountCache
}

// SignIn implements Desk.
func (d CommandDesk) SignIn(ctx context.Context, email, password string) (DeskUser, error) {
	acc, err := auth.SignIn(ctx, d.Store, email, password)
	if err != nil {
		return DeskUser{}, err
	}
	return deskUser(acc), nil
}

// Account implements Desk: the account folded from its stream, so a deactivation counts
// from the next request on (not after the read side has caught up).
func (d CommandDesk) Account(ctx context.Context, id uuid.UUID) (DeskUser, error) {
	acc, err := d.Accounts.load(ctx, d.Store, id)
	if errors.Is(err, application.ErrNotFound) || err == nil && !acc.Active() {
		return DeskUser{}, application.ErrUnauthorized
	}
	if err != nil {
		return DeskUser{}, err
	}
	return deskUser(acc), nil
}

func deskUser(a domain.AgentState) DeskUser {
	return DeskUser{ID: a.ID, Name: a.Name, Email: a.Email, Role: a.RoleOf(), Team: a.Team, Language: a.Language, Online: a.Online}
}

// Queue implements Desk.
func (d CommandDesk) Queue(ctx context.Context, f projections.QueueFilter, limit int, cursor string) ([]query.TicketView, string, error) {
	return d.Read.Queue(ctx, f, limit, cursor)
}

// QueueVersion implements QueueVersions: the queues projection's committed position.
func (d CommandDesk) QueueVersion(ctx context.Context) (uint64, error) {
	return d.Read.QueuesVersion(ctx)
}

// Search implements Desk.
func (d CommandDesk) Search(ctx context.Context, q string, limit int) ([]query.TicketView, error) {
	hits, err := d.Read.SearchTickets(ctx, q, true, limit)
	if err != nil {
		return nil, err
	}
	out := []query.TicketView{}
	for _, h := range hits {
		id, err := uuid.Parse(h.TicketID)
		if err != nil {
			continue
		}
		t, err := query.GetTicket(ctx, d.Store, id, time.Time{})
		if errors.Is(err, application.ErrNotFound) {
			continue // indexed, yet not in this store
		}
		if err != nil {
			return nil, err
		}
		out = append(out, query.NewTicketView(t, d.Clock.Now()))
	}
	return out, nil
}

// Ticket implements Desk.
func (d CommandDesk) Ticket(ctx context.Context, id uuid.UUID) (DeskTicket, error) {
	t, err := query.GetTicket(ctx, d.Store, id, time.Time{})
	if err != nil {
		return DeskTicket{}, err
	}
	out := DeskTicket{Ticket: query.NewTicketView(t, d.Clock.Now())}
	if out.Messages, _, err = d.Read.Messages(ctx, id, t.Version, 1000, ""); err != nil {
		return DeskTicket{}, err
	}
	lib, err := command.LoadMacros(ctx, d.Store)
	if err != nil {
		return DeskTicket{}, err
	}
	for _, m := range lib.State().Macros {
		out.Macros = append(out.Macros, DeskMacro{ID: m.ID, Name: m.Name})
	}
	if ref := t.Customer.RecordID; ref != "" {
		c, err := d.Read.Customer(ctx, ref)
		if err == nil {
			out.Customer = &c
			earlier, _, err := d.Read.CustomerTicketsPage(ctx, ref, 20, "")
			if err != nil {
				return DeskTicket{}, err
			}
			for _, e := range earlier {
				if e.ID != id {
					out.Earlier = append(out.Earlier, e)
				}
			}
		} else if !errors.Is(err, application.ErrNotFound) {
			return DeskTicket{}, err
		}
	}
	return out, nil
}

// File implements Desk.
func (d CommandDesk) File(ctx context.Context, id string) (attachments.File, error) {
	if d.Attachments == nil {
		return attachments.File{}, application.ErrNotFound
	}
	return d.Attachments.Open(ctx, id)
}

// SetPresence implements Desk.
func (d CommandDesk) SetPresence(ctx context.Context, u DeskUser, online bool, meta command.CommandMeta) error {
	_, err := d.Commands.SetPresence.Handle(ctx, command.SetAgentPresence{AgentID: u.ID, Online: online}, meta)
	return err
}

// principalOf is the signed-in account as the API's token of the same account would be.
func principalOf(u DeskUser) access.Principal {
	return access.Principal{Role: access.Role(u.Role), Subject: u.ID.String()}
}

// Act implements Desk.
func (d CommandDesk) Act(ctx context.Context, u DeskUser, id uuid.UUID, a DeskAction, meta command.CommandMeta) (command.TicketResult, error) {
	run, ok := deskActions[a.Name]
	if !ok {
		return command.TicketResult{}, fmt.Errorf("%w: no desk action %q", application.ErrNotFound, a.Name)
	}
	if err := access.Authorize(principalOf(u), deskActionRule(a.Name)); err != nil {
		return command.TicketResult{}, err
	}
	return run(d, ctx, u, id, a, meta)
}

// attach uploads the form's files as u and runs the command with them, as the API's
// upload-then-attach does (released again when the command is refused).
func (d CommandDesk) attach(ctx context.Context, u DeskUser, files []*multipart.FileHeader, meta command.CommandMeta,
	run func([]domain.Attachment) (command.TicketResult, error)) (command.TicketResult, error) {
	if len(files) == 0 {
		return run(nil)
	}
	if d.Attachments == nil {
		return command.TicketResult{}, invalid("attachments", "are not enabled on this server")
	}
	uploader := principalOf(u).Actor()
	em := eventlog.Metadata{Actor: meta.Actor, CorrelationID: meta.CorrelationID, CausationID: meta.CausationID}
	ids := make([]string, 0, len(files))
	for _, fh := range files {
		f, err := fh.Open()
		if err != nil {
			return command.TicketResult{}, invalid("attachments", "could not be read")
		}
		att, err := d.Attachments.Upload(ctx, attachments.Upload{Uploader: uploader, Filename: fh.Filename, Meta: em}, f)
		_ = f.Close()
		if err != nil {
			return command.TicketResult{}, err
		}
		ids = append(ids, att.ID)
	}
	var out command.TicketResult
	err := d.Attachments.Attach(ctx, uploader, ids, attachments.ClaimKey(uploader, meta.CorrelationID), em, func(atts []domain.Attachment) error {
		var err error
		out, err = run(atts)
		return err
	})
	return out, err
}

// tagList splits a tags field ("a, b c") into tags.
func tagList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '，' })
}
