package web

import (
	"context"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/access"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/domain"
)

// deskRun is one ticket-page form, run through the command the API's route runs.
type deskRun func(d CommandDesk, ctx context.Context, u DeskUser, id uuid.UUID, a DeskAction, m command.CommandMeta) (command.TicketResult, error)

// deskActions are the ticket page's forms by name (the last path segment of their
// action: POST /desk/tickets/{id}/{action}).
var deskActions = map[string]deskRun{
	"reply": func(d CommandDesk, ctx context.Context, u DeskUser, id uuid.UUID, a DeskAction, m command.CommandMeta) (command.TicketResult, error) {
		return d.attach(ctx, u, a.Files, m, func(atts []domain.Attachment) (command.TicketResult, error) {
			return d.Commands.Reply.Handle(ctx, command.ReplyToTicket{TicketID: id, Body: a.Fields["body"], Public: true, Attachments: atts}, m)
		})
	},
	"note": func(d CommandDesk, ctx context.Context, u DeskUser, id uuid.UUID, a DeskAction, m command.CommandMeta) (command.TicketResult, error) {
		return d.attach(ctx, u, a.Files, m, func(atts []domain.Attachment) (command.TicketResult, error) {
			return d.Commands.Reply.Handle(ctx, command.ReplyToTicket{TicketID: id, Body: a.Fields["body"], Public: false, Attachments: atts}, m)
		})
	},
	"macro": func(d CommandDesk, ctx context.Context, u DeskUser, id uuid.UUID, a DeskAction, m command.CommandMeta) (command.TicketResult, error) {
		macro, err := uuid.Parse(a.Fields["macro_id"])
		if err != nil {
			return command.TicketResult{}, invalid("macro_id", "must be a macro's id")
		}
		return d.Commands.ApplyMacro.Handle(ctx, command.ApplyMacro{TicketID: id, MacroID: macro}, m)
	},
	"tags": func(d CommandDesk, ctx context.Context, _ DeskUser, id uuid.UUID, a DeskAction, m command.CommandMeta) (command.TicketResult, error) {
		return d.Commands.Tags.Handle(ctx, command.ChangeTicketTags{TicketID: id, Add: tagList(a.Fields["add"]), Remove: tagList(a.Fields["remove"])}, m)
	},
	"classify": func(d CommandDesk, ctx context.Context, _ DeskUser, id uuid.UUID, a DeskAction, m command.CommandMeta) (command.TicketResult, error) {
		return d.Commands.Classify.Handle(ctx, command.ClassifyTicket{TicketID: id, ClassifyTicket: domain.ClassifyTicket{
			Category: a.Fields["category"], Priority: domain.Priority(a.Fields["priority"]), Team: a.Fields["team"]}}, m)
	},
	"assign": func(d CommandDesk, ctx context.Context, u DeskUser, id uuid.UUID, a DeskAction, m command.CommandMeta) (command.TicketResult, error) {
		c := command.AssignTicket{TicketID: id, AgentID: u.ID} // "take it": to the signed-in agent
		if raw := a.Fields["agent_id"]; raw != "" {
			agent, err := uuid.Parse(raw)
			if err != nil {
				return command.TicketResult{}, invalid("agent_id", "must be an agent's id")
			}
			c.AgentID = agent
		}
		return d.Commands.Assign.Handle(ctx, c, m)
	},
	"escalate": func(d CommandDesk, ctx context.Context, _ DeskUser, id uuid.UUID, a DeskAction, m command.CommandMeta) (command.TicketResult, error) {
		return d.Commands.Escalate.Handle(ctx, command.EscalateTicket{TicketID: id, EscalateTicket: domain.EscalateTicket{Team: a.Fields["team"], Reason: a.Fields["reason"]}}, m)
	},
	"wait": func(d CommandDesk, ctx context.Context, _ DeskUser, id uuid.UUID, a DeskAction, m command.CommandMeta) (command.TicketResult, error) {
		return d.Commands.Wait.Handle(ctx, command.WaitOnCustomer{TicketID: id, Reason: a.Fields["reason"]}, m)
	},
	"resolve": func(d CommandDesk, ctx context.Context, _ DeskUser, id uuid.UUID, a DeskAction, m command.CommandMeta) (command.TicketResult, error) {
		return d.Commands.Resolve.Handle(ctx, command.ResolveTicket{TicketID: id, Resolution: a.Fields["resolution"]}, m)
	},
	"reopen": func(d CommandDesk, ctx context.Context, _ DeskUser, id uuid.UUID, a DeskAction, m command.CommandMeta) (command.TicketResult, error) {
		return d.Commands.Reopen.Handle(ctx, command.ReopenTicket{TicketID: id, Reason: a.Fields["reason"]}, m)
	},
	"close": func(d CommandDesk, ctx context.Context, _ DeskUser, id uuid.UUID, _ DeskAction, m command.CommandMeta) (command.TicketResult, error) {
		return d.Commands.Close.Handle(ctx, command.CloseTicket{TicketID: id}, m)
	},
}

// deskActionRule is the access rule of a form: the API's rule of the same command
// (macros and tags are the reply's).
func deskActionRule(name string) access.Action {
	switch name {
	case "note":
		return access.Note
	case "reply", "macro", "tags":
		return access.Reply
	default:
		return access.Action(name)
	}
}
