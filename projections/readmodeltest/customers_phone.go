package readmodeltest

import (
	"context"
	"testing"

	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections"
)

// testCustomersWithoutEmail: tickets of a WeChat user known by their openid alone and of
// a caller known by the number the openid's record was given are one record, shown with
// its channel's external id and the phone, found by the openid and by the phone in any
// written form; another number is another record; live rows equal rebuilt rows.
func testCustomersWithoutEmail(t *testing.T, newStore Factory, newEvents EventsFactory) {
	ctx := context.Background()
	w := NewWorld(t, newEvents())
	receive := func(source string, ch domain.Channel, c domain.Customer) domain.TicketState {
		t.Helper()
		c.Tier = domain.TierStandard
		res, err := w.Commands.Receive.Handle(ctx, command.ReceiveTicket{Channel: ch, Source: source, Subject: "发票", Customer: c},
			command.CommandMeta{Actor: "channel:" + source})
		check(t, err)
		return res.Ticket
	}
	first := receive("wechat", domain.ChannelChat, domain.Customer{ID: "oWx42", Name: "李雷"})
	receive("wechat", domain.ChannelChat, domain.Customer{ID: "oWx42", Name: "李雷", Phone: "+86 138-0000-1111"})
	caller := receive("hotline", domain.ChannelPhone, domain.Customer{Name: "来电", Phone: "0086 13800001111"})
	other := receive("hotline", domain.ChannelPhone, domain.Customer{Name: "来电", Phone: "010 6666 7777"})
	rec := first.Customer.RecordID
	if caller.Customer.RecordID != rec || other.Customer.RecordID == rec {
		t.Fatalf("records %s %s, want %s and another", caller.Customer.RecordID, other.Customer.RecordID, rec)
	}
	live := newStore(t)
	FeedLive(t, live, w.All(t), 5)
	if rows, got := customerRows(t, Rebuilt(t, newStore, w)), customerRows(t, live); got != rows {
		t.Fatalf("live rows differ from rebuilt rows:\n%s", firstDiff(rows, got))
	}
	svc := projections.NewService(w.Events, live, nil, w.Clock)
	v, err := svc.Customer(ctx, "oWx42")
	check(t, err)
	if v.ID.String() != rec || v.Email != "" || v.Phone == nil || *v.Phone != "+86 138-0000-1111" || v.Tickets.Total != 3 ||
		len(v.ExternalIDs) != 1 || v.ExternalIDs[0] != (domain.ExternalID{Source: "wechat", ID: "oWx42"}) {
		t.Fatalf("record by openid: %+v", v)
	}
	for phone, want := range map[string]string{"+86 138 0000 1111": rec, "0086-138-0000-1111": rec, "01066667777": other.Customer.RecordID} {
		found, err := svc.CustomersByPhone(ctx, phone)
		check(t, err)
		if len(found) != 1 || found[0].ID.String() != want {
			t.Fatalf("by phone %s: %+v, want %s", phone, found, want)
		}
	}
	if none, err := svc.CustomersByPhone(ctx, "+1 555 0100 999"); err != nil || len(none) != 0 {
		t.Fatalf("unknown phone: %+v %v", none, err)
	}
}
