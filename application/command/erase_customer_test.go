package command_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/adapters/eventstore/memstore"
	"github.com/ticketengine/ticketengine/application/auth"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/erasure"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/application/eventstoretest"
	"github.com/ticketengine/ticketengine/domain"
)

// sealingCommands are commands on a memory store read through an OpeningStore: they
// seal what they append and see plain text.
func sealingCommands(t *testing.T) (*command.Commands, eventlog.EventStore, *erasure.MemoryKeys) {
	t.Helper()
	raw, keys := memstore.New(), erasure.NewMemoryKeys()
	secrets, err := auth.NewSecrets(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	clock := eventstoretest.NewClock(time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC))
	c := command.NewCommands(command.Config{Store: erasure.NewOpeningStore(raw, keys), Clock: clock, Policy: domain.DefaultSLAPolicy(),
		Secrets: secrets, Keys: keys, StreamCacheSize: 16})
	return c, raw, keys
}

// TestCommandsSealAndEraseForgets: a received ticket and a customer's reply are stored
// sealed (text that looks sealed too) while the commands answer plain text; after the
// erasure the next command on the ticket answers it forgotten (the stream cache holds no
// plain text), a second erasure changes nothing, and a reply after it is sealed with the
// ticket's own key, which erasing again destroys.
func TestCommandsSealAndEraseForgets(t *testing.T) {
	ctx := context.Background()
	c, raw, keys := sealingCommands(t)
	looksSealed := "pii2:" + uuid.NewString() + ":AAAA"
	got, err := c.Receive.Handle(ctx, command.ReceiveTicket{Channel: domain.ChannelAPI, Subject: looksSealed, Body: "Zebra42",
		Customer: domain.Customer{Name: "王秘密", Email: "w@example.com", Tier: domain.TierCore}}, staff)
	if err != nil || got.Ticket.Customer.Name != "王秘密" || got.Ticket.Subject != looksSealed {
		t.Fatalf("receive answers %+v (%v)", got.Ticket, err)
	}
	id, record := got.Ticket.ID, uuid.MustParse(got.Ticket.Customer.RecordID)
	if _, err := c.CustomerReply.Handle(ctx, command.CustomerReply{TicketID: id, Body: "Quokka"}, staff); err != nil {
		t.Fatal(err)
	}
	rawHolds := func(words ...string) bool {
		recs, _ := raw.ReadAll(ctx, 0, 1000)
		for _, r := range recs {
			for _, w := range words {
				if strings.Contains(string(r.Data), w) {
					return true
				}
			}
		}
		return false
	}
	if rawHolds("王秘密", "w@example.com", "Zebra42", "Quokka", looksSealed) {
		t.Fatal("the raw store holds personal data in plain")
	}
	erase := func() {
		t.Helper()
		if _, err := c.EraseCustomer.Handle(ctx, command.EraseCustomer{CustomerID: record, Tickets: []uuid.UUID{id}}, staff); err != nil {
			t.Fatal(err)
		}
	}
	erase()
	n, _ := raw.ReadAll(ctx, 0, 1000)
	erase()
	if again, _ := raw.ReadAll(ctx, 0, 1000); len(again) != len(n) {
		t.Fatalf("a second erasure appended %d records", len(again)-len(n))
	}
	after, err := c.CustomerReply.Handle(ctx, command.CustomerReply{TicketID: id, Body: "Marmoset"}, staff)
	if err != nil || after.Ticket.Customer.Name != "" || after.Ticket.Customer.Email != "" || after.Ticket.Subject != "" {
		t.Fatalf("after the erasure a command answers %+v (%v)", after.Ticket, err)
	}
	if rawHolds("Marmoset") {
		t.Fatal("a reply after the erasure is stored in plain")
	}
	if _, err := keys.Lookup(ctx, id); err != nil {
		t.Fatalf("the ticket's own key: %v", err)
	}
	erase()
	if _, err := keys.Lookup(ctx, id); !errors.Is(err, erasure.ErrErased) {
		t.Fatalf("erasing again left the ticket's own key: %v", err)
	}
}
