package readmodeltest

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/access"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/query"
	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections"
)

// portalPrivacyWorld is a customer's ticket that went through every kind of step with
// something the customer must not see in it (internal notes, teams, reasons, a breach),
// beside another customer's ticket.
func portalPrivacyWorld(t *testing.T, newEvents EventsFactory) (w *World, mine, other command.ReceivedTicket) {
	ctx := context.Background()
	w = NewWorld(t, newEvents())
	a := w.Agent(t, "王小明", "support")
	c := w.Commands
	mine = w.Receive(t, domain.TierCore, domain.ChannelWeb, "我的打印机坏了", "it jams")
	other = w.Receive(t, domain.TierVIP, domain.ChannelEmail, "OTHER-CUSTOMER-SUBJECT", "OTHER-CUSTOMER-BODY")
	id := mine.Ticket.ID
	w.Steps(t, 10*time.Minute,
		func() (command.TicketResult, error) {
			return c.Classify.Handle(ctx, command.ClassifyTicket{TicketID: id, ClassifyTicket: domain.ClassifyTicket{Category: "hardware", Priority: domain.P1, Team: "TEAMSECRET-desk"}}, meta)
		},
		func() (command.TicketResult, error) {
			return c.Assign.Handle(ctx, command.AssignTicket{TicketID: id, AgentID: a.ID}, meta)
		},
		func() (command.TicketResult, error) {
			return c.Reply.Handle(ctx, command.ReplyToTicket{TicketID: id, Body: "INTERNAL-NOTE-SECRET customer seems angry", Public: false}, meta)
		},
		func() (command.TicketResult, error) {
			return c.Reply.Handle(ctx, command.ReplyToTicket{TicketID: id, Body: "请重启打印机", Public: true}, meta)
		},
		func() (command.TicketResult, error) {
			return c.Wait.Handle(ctx, command.WaitOnCustomer{TicketID: id, Reason: "WAIT-REASON-SECRET"}, meta)
		},
		func() (command.TicketResult, error) {
			return c.CustomerReply.Handle(ctx, command.CustomerReply{TicketID: id, Body: "still broken"}, command.CommandMeta{Actor: access.Customer.Actor()})
		},
		func() (command.TicketResult, error) {
			return c.Escalate.Handle(ctx, command.EscalateTicket{TicketID: id, EscalateTicket: domain.EscalateTicket{Team: "TEAMSECRET-escalations", Reason: "ESCALATION-REASON-SECRET"}}, meta)
		},
	)
	w.Clock.Advance(10 * time.Hour) // past every due time: a breach is recorded
	do(t, func() (command.TicketResult, error) {
		return c.CheckSLA.Handle(ctx, command.CheckSLA{TicketID: id, Clock: domain.ClockResolution}, command.CommandMeta{Actor: command.SystemActor})
	})
	return w, mine, other
}

// testPortalPrivacy: the portal's view of a ticket shows the customer's conversation and
// status and nothing internal, and a ticket's number and code open that ticket only.
func testPortalPrivacy(t *testing.T, newStore Factory, newEvents EventsFactory) {
	ctx := context.Background()
	w, mine, other := portalPrivacyWorld(t, newEvents)
	store := newStore(t)
	FeedLive(t, store, w.All(t), 3)
	svc := projections.NewService(w.Events, store, nil, w.Clock)

	found, err := w.Commands.FindByNumber.Find(ctx, mine.Ticket.Number, mine.AccessCode)
	check(t, err)
	view, err := svc.Portal(ctx, found, -1)
	check(t, err)
	body, _ := json.Marshal(view)
	text := string(body)
	for _, secret := range []string{"SECRET", "OTHER-CUSTOMER", "@example.com", "escalat", "breach", "hardware", "team", `"P1"`, "priority", "客户"} {
		if strings.Contains(text, secret) {
			t.Errorf("the portal view shows %q: %s", secret, text)
		}
	}
	for _, shown := range []string{"请重启打印机", "still broken", "it jams", "我的打印机坏了", "王小明", `"status":"assigned"`, mine.Ticket.Number} {
		if !strings.Contains(text, shown) {
			t.Errorf("the portal view lacks %q: %s", shown, text)
		}
	}
	kinds := []string{}
	for _, e := range view.Timeline {
		kinds = append(kinds, e.Kind)
	}
	if got := strings.Join(kinds, ","); got != "received,assigned,reply,waiting,customer_reply" {
		t.Errorf("timeline kinds %s", got)
	}
	if view.ExpectedResolutionBy == (query.JSONTime{}) {
		t.Error("an open ticket shows no expected resolution")
	}
	// The note is in the read side (staff's conversation), yet in no row the portal reads.
	staff, _, err := svc.Messages(ctx, mine.Ticket.ID, -1, 0, "")
	check(t, err)
	if b, _ := json.Marshal(staff); !strings.Contains(string(b), "INTERNAL-NOTE-SECRET") {
		t.Errorf("staff's conversation lacks the note: %s", b)
	}
	_, timeline, _, err := store.PortalTicket(ctx, mine.Ticket.ID)
	check(t, err)
	if b, _ := json.Marshal(timeline); strings.Contains(string(b), "SECRET") {
		t.Errorf("the portal's stored timeline holds staff's words: %s", b)
	}

	// A wrong code and an unknown number are the same answer.
	_, errWrong := w.Commands.FindByNumber.Find(ctx, mine.Ticket.Number, other.AccessCode)
	_, errUnknown := w.Commands.FindByNumber.Find(ctx, "TK-ZZZZZZ", mine.AccessCode)
	if !errors.Is(errWrong, application.ErrNotFound) || !errors.Is(errUnknown, application.ErrNotFound) || errWrong.Error() != errUnknown.Error() {
		t.Errorf("wrong code %v, unknown number %v", errWrong, errUnknown)
	}
	// The other customer's code opens only the other ticket.
	otherID, err := w.Commands.FindByNumber.Find(ctx, other.Ticket.Number, other.AccessCode)
	check(t, err)
	ov, err := svc.Portal(ctx, otherID, -1)
	check(t, err)
	if ob, _ := json.Marshal(ov); strings.Contains(string(ob), "打印机") || !strings.Contains(string(ob), "OTHER-CUSTOMER-SUBJECT") {
		t.Errorf("the other ticket's view: %s", ob)
	}
}
