package inbound_test

import (
	"context"
	"errors"
	"testing"

	"github.com/ticketengine/ticketengine/application/inbound"
	"github.com/ticketengine/ticketengine/domain"
)

func call(id, conv, phone, body string) inbound.Message {
	return inbound.Message{
		Channel: domain.ChannelPhone, Source: "hotline", ID: id, Thread: inbound.Thread{Conversation: conv},
		Customer: domain.Customer{Phone: phone}, Subject: "来电", Body: body,
	}
}

// TestCallersWithoutEmailThreadByPhone: a caller known by the number alone opens a ticket
// (named by their number), their next message in the call is their reply (the number
// compared normalised), and another number's message in the call is a ticket of its own.
func TestCallersWithoutEmailThreadByPhone(t *testing.T) {
	f := newFixture(t)
	first := f.take(t, call("c-1", "call-9", "+86 138 0000 1111", "发票还没到"))
	if first.Outcome != inbound.Opened {
		t.Fatalf("first: %+v", first)
	}
	again := f.take(t, call("c-2", "call-9", "0086-138-0000-1111", "单号是 123"))
	if again.Outcome != inbound.Replied || again.TicketID != first.TicketID {
		t.Fatalf("same caller: %+v, want a reply on %s", again, first.TicketID)
	}
	if other := f.take(t, call("c-3", "call-9", "+86 139 0000 2222", "我也是")); other.TicketID == first.TicketID {
		t.Fatalf("another number replied on the caller's ticket: %+v", other)
	}
	msgs := f.messages(t, first.TicketID)
	if len(msgs) != 2 {
		t.Fatalf("%d messages, want 2", len(msgs))
	}
}

// TestSenderRefusedBeforeAnythingIsReserved: a message that names nobody, or a phone that
// is no number, is a validation error and appends nothing; the same message id, sent
// right, is then taken as new.
func TestSenderRefusedBeforeAnythingIsReserved(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	before, err := f.store.ReadAll(ctx, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []domain.Customer{{Name: "无名"}, {Phone: "call me"}, {ID: "oWx", Email: "not-an-address"}} {
		m := call("bad-1", "call-1", "", "x")
		m.Customer = c
		if _, err := f.in.Take(ctx, m); !errors.Is(err, domain.ErrInvalid) {
			t.Fatalf("%+v: %v, want a validation error", c, err)
		}
	}
	after, err := f.store.ReadAll(ctx, 0, 1000)
	if err != nil || len(after) != len(before) {
		t.Fatalf("refused messages appended %d records (%v)", len(after)-len(before), err)
	}
	if res := f.take(t, call("bad-1", "call-1", "+86 138 0000 1111", "x")); res.Outcome != inbound.Opened || res.Repeat {
		t.Fatalf("the message sent right: %+v", res)
	}
}
