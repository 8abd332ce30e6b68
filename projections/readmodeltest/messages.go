package readmodeltest

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/access"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections"
)

// testMessages: GET /tickets/{id}/messages reads a ticket's whole conversation for staff,
// oldest first: the original message, a public reply and an internal note by an agent
// (named from the agents projection), a customer's reply from the portal, a reply by a
// supervisor who is not an agent; the same on a live store (a bus's faults) and a
// rebuilt one; pages of one walk it all; an unknown ticket is not found. The portal of
// the same history shows none of the internal note.
func testMessages(t *testing.T, newStore Factory, newEvents EventsFactory) {
	ctx := context.Background()
	w := NewWorld(t, newEvents())
	a := w.Agent(t, "王小明", "support")
	c := w.Commands
	tk := w.Receive(t, domain.TierCore, domain.ChannelWeb, "发票抬头写错了", "上个月的发票抬头写错了")
	other := w.Receive(t, domain.TierCore, domain.ChannelEmail, "other", "OTHER-BODY")
	id := tk.Ticket.ID
	asAgent := command.CommandMeta{Actor: "agent:" + a.ID.String()}
	w.Steps(t, time.Minute,
		func() (command.TicketResult, error) {
			return c.Assign.Handle(ctx, command.AssignTicket{TicketID: id, AgentID: a.ID}, meta)
		},
		func() (command.TicketResult, error) {
			return c.Reply.Handle(ctx, command.ReplyToTicket{TicketID: id, Body: "请提供订单号", Public: true}, asAgent)
		},
		func() (command.TicketResult, error) {
			return c.Reply.Handle(ctx, command.ReplyToTicket{TicketID: id, Body: "INTERNAL-NOTE-SECRET check finance", Public: false}, asAgent)
		},
		func() (command.TicketResult, error) {
			return c.CustomerReply.Handle(ctx, command.CustomerReply{TicketID: id, Body: "订单号 12345"}, command.CommandMeta{Actor: access.Customer.Actor()})
		},
		func() (command.TicketResult, error) {
			return c.Reply.Handle(ctx, command.ReplyToTicket{TicketID: id, Body: "已更正", Public: true}, command.CommandMeta{Actor: "supervisor:lead"})
		},
		func() (command.TicketResult, error) {
			return c.Resolve.Handle(ctx, command.ResolveTicket{TicketID: id, Resolution: "fixed"}, meta)
		},
	)
	live := newStore(t)
	FeedLive(t, live, w.All(t), 4)
	rebuilt := Rebuilt(t, newStore, w)
	want := []string{
		`customer|customer|c0|客户 0|上个月的发票抬头写错了`,
		`public|agent|` + a.ID.String() + `|王小明|请提供订单号`,
		`internal|agent|` + a.ID.String() + `|王小明|INTERNAL-NOTE-SECRET check finance`,
		`customer|customer|c0|客户 0|订单号 12345`,
		`public|agent|lead|lead|已更正`,
	}
	for name, store := range map[string]projections.Store{"live": live, "rebuilt": rebuilt} {
		svc := projections.NewService(w.Events, store, nil, w.Clock)
		checkConversation(t, name, svc, id, other.Ticket.ID, w.Agents[0].ID, want)
	}
}

// checkConversation checks the messages of ticket id on one store: want in one page,
// in order with distinct ids, the same in pages of 2; an unknown ticket (notTicket) and a
// bad cursor refused; the other ticket's one message; no internal note in the portal.
func checkConversation(t *testing.T, name string, svc *projections.Service, id, other, notTicket uuid.UUID, want []string) {
	ctx := context.Background()
	all, next, err := svc.Messages(ctx, id, -1, 0, "")
	check(t, err)
	if got := messageLines(all); next != "" || strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("%s: conversation (next %q):\n%s\nwant\n%s", name, next, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for i := 1; i < len(all); i++ {
		if time.Time(all[i].At).Before(time.Time(all[i-1].At)) || all[i].ID == all[i-1].ID {
			t.Fatalf("%s: messages out of order or sharing an id: %v", name, all)
		}
	}
	var paged []projections.MessageView
	cursor := ""
	for n := 0; n == 0 || cursor != ""; n++ {
		page, nc, err := svc.Messages(ctx, id, 6, 2, cursor)
		check(t, err)
		if n > len(want) || len(page) > 2 {
			t.Fatalf("%s: pages do not end: %d", name, n)
		}
		paged, cursor = append(paged, page...), nc
	}
	if asJSON(t, paged) != asJSON(t, all) {
		t.Fatalf("%s: pages of 2 give %s, want %s", name, asJSON(t, paged), asJSON(t, all))
	}
	if _, _, err := svc.Messages(ctx, notTicket, -1, 0, ""); !errors.Is(err, application.ErrNotFound) {
		t.Fatalf("%s: an unknown ticket's messages: %v", name, err)
	}
	if _, _, err := svc.Messages(ctx, id, -1, 0, "not-a-cursor"); !errors.Is(err, domain.ErrInvalid) {
		t.Fatalf("%s: a bad cursor: %v", name, err)
	}
	om, _, err := svc.Messages(ctx, other, -1, 0, "")
	check(t, err)
	if got := messageLines(om); len(got) != 1 || !strings.HasSuffix(got[0], "OTHER-BODY") {
		t.Fatalf("%s: the other ticket's conversation: %v", name, got)
	}
	// The customer's own view of the same ticket never shows the note.
	view, err := svc.Portal(ctx, id, -1)
	check(t, err)
	if b, _ := json.Marshal(view); strings.Contains(string(b), "INTERNAL-NOTE") || !strings.Contains(string(b), "订单号 12345") {
		t.Fatalf("%s: the portal view: %s", name, b)
	}
}

// messageLines writes each message as kind|author kind|author id|author name|body.
func messageLines(ms []projections.MessageView) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		id, name := "", ""
		if m.Author.ID != nil {
			id = *m.Author.ID
		}
		if m.Author.Name != nil {
			name = *m.Author.Name
		}
		if m.Attachments == nil {
			name += " (attachments null)"
		}
		out[i] = strings.Join([]string{m.Kind, m.Author.Kind, id, name, m.Body}, "|")
	}
	return out
}
