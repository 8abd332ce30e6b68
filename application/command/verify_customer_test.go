package command_test

import (
	"context"
	"errors"
	"testing"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/auth"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// TestUnverifiedReceiveJoinsNoRecordUntilConfirmed: a self-service ticket with a VIP's
// email (and a tier and external id it has no right to) is standard and joins nothing;
// a wrong token is not found and changes nothing; the right one joins the VIP's record
// once, however often it is presented.
func TestUnverifiedReceiveJoinsNoRecordUntilConfirmed(t *testing.T) {
	c, store, _ := newCommands(t)
	ctx := context.Background()
	vip := receiveFor(t, c, domain.Customer{ID: "V-1", Name: "VIP", Email: "vip@example.com", Tier: domain.TierVIP})
	res, err := c.Receive.Handle(ctx, command.ReceiveTicket{Channel: domain.ChannelWeb, Subject: "退款", Unverified: true,
		Customer: domain.Customer{ID: "V-1", Name: "Impostor", Email: "VIP@example.com", Tier: domain.TierVIP}}, command.CommandMeta{Actor: "customer:web-1"})
	if err != nil {
		t.Fatal(err)
	}
	s := res.Ticket
	if !s.Unverified || s.Customer.Tier != domain.TierStandard || s.Customer.RecordID != "" || s.Customer.ID != "" {
		t.Fatalf("unverified ticket: %+v", s.Customer)
	}
	secrets, _ := auth.NewSecrets(make([]byte, 32)) // the key newCommands uses
	if _, err := c.VerifyCustomer.Handle(ctx, command.VerifyTicketCustomer{TicketID: s.ID, Token: "WRONG"}, staff); !errors.Is(err, application.ErrNotFound) {
		t.Fatalf("a wrong token: %v, want not found", err)
	}
	var version int64
	for range 2 {
		got, err := c.VerifyCustomer.Handle(ctx, command.VerifyTicketCustomer{TicketID: s.ID, Token: secrets.ConfirmToken(s.ID)}, staff)
		if err != nil {
			t.Fatal(err)
		}
		st := got.Ticket
		if st.Unverified || st.Customer.RecordID != vip.Customer.RecordID || st.Customer.Tier != domain.TierVIP {
			t.Fatalf("verified ticket: %+v", st.Customer)
		}
		if version != 0 && st.Version != version {
			t.Fatalf("a second confirmation moved the version from %d to %d", version, st.Version)
		}
		version = st.Version
	}
	recs, err := store.ReadStream(ctx, eventlog.TicketStream(s.ID))
	if err != nil || len(recs) != 2 || recs[1].Type != domain.TypeTicketCustomerVerified {
		t.Fatalf("the ticket's events: %v %v", recs, err)
	}
}
