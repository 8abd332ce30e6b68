package command_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/auth"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/erasure"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

func receiveFor(t *testing.T, c *command.Commands, cust domain.Customer) domain.TicketState {
	t.Helper()
	res, err := c.Receive.Handle(context.Background(), command.ReceiveTicket{
		Channel: domain.ChannelAPI, Subject: "发票抬头写错了", Customer: cust,
	}, staff)
	if err != nil {
		t.Fatal(err)
	}
	return res.Ticket
}

// TestTicketsJoinOneRecordByExternalIDElseEmail: two tickets with one external id (the
// second with another email) and a third with only the first email, in another case,
// join one record; the record keeps both external id and first email.
func TestTicketsJoinOneRecordByExternalIDElseEmail(t *testing.T) {
	c, _, _ := newCommands(t)
	a := receiveFor(t, c, domain.Customer{ID: "C-1", Name: "Li", Email: "li@example.com", Tier: domain.TierVIP})
	b := receiveFor(t, c, domain.Customer{ID: "C-1", Name: "Li", Email: "li.work@example.com"})
	d := receiveFor(t, c, domain.Customer{Name: "Li Na", Email: "LI@Example.com"})
	other := receiveFor(t, c, domain.Customer{Name: "Wang", Email: "wang@example.com", Tier: domain.TierStandard})
	rec := a.Customer.RecordID
	if rec == "" || b.Customer.RecordID != rec || d.Customer.RecordID != rec {
		t.Fatalf("record ids %q %q %q, want one", rec, b.Customer.RecordID, d.Customer.RecordID)
	}
	if other.Customer.RecordID == rec {
		t.Fatal("another email joined the record")
	}
	// The record's tier is authoritative: the tickets without one got it.
	if b.Customer.Tier != domain.TierVIP || d.Customer.Tier != domain.TierVIP {
		t.Fatalf("tiers %s %s, want the record's vip", b.Customer.Tier, d.Customer.Tier)
	}
	// Each ticket keeps the customer as they were when received.
	if b.Customer.Email != "li.work@example.com" || d.Customer.Name != "Li Na" {
		t.Fatalf("snapshots %+v %+v", b.Customer, d.Customer)
	}
}

// TestNewCustomerNeedsATier: without a record, the tier is required.
func TestNewCustomerNeedsATier(t *testing.T) {
	c, _, _ := newCommands(t)
	_, err := c.Receive.Handle(context.Background(), command.ReceiveTicket{Channel: domain.ChannelAPI, Subject: "x",
		Customer: domain.Customer{Name: "N", Email: "new@example.com"}}, staff)
	if !errors.Is(err, application.ErrInvalid) {
		t.Fatalf("got %v, want a validation error", err)
	}
}

// TestTierChangeAffectsLaterTicketsOnly: the change is an event on the record; the
// ticket received before keeps its tier and SLA, the one after follows the new tier.
func TestTierChangeAffectsLaterTicketsOnly(t *testing.T) {
	c, store, _ := newCommands(t)
	ctx := context.Background()
	before := receiveFor(t, c, domain.Customer{Name: "Zhao", Email: "zhao@example.com", Tier: domain.TierStandard})
	id := uuid.MustParse(before.Customer.RecordID)
	rec, err := c.CustomerTier.Handle(ctx, command.ChangeCustomerTier{CustomerID: id, Tier: domain.TierVIP}, staff)
	if err != nil || rec.Tier != domain.TierVIP {
		t.Fatalf("change: %+v %v", rec, err)
	}
	recs, _ := store.ReadStream(ctx, eventlog.CustomerStream(id))
	if last := recs[len(recs)-1]; last.Type != domain.TypeCustomerTierChanged {
		t.Fatalf("last event %s, want %s", last.Type, domain.TypeCustomerTierChanged)
	}
	after := receiveFor(t, c, domain.Customer{Name: "Zhao", Email: "zhao@example.com", Tier: domain.TierStandard})
	if after.Customer.Tier != domain.TierVIP || !after.SLA.FirstResponseDue.Before(before.SLA.FirstResponseDue) {
		t.Fatalf("after: tier %s due %v (before: %v)", after.Customer.Tier, after.SLA.FirstResponseDue, before.SLA.FirstResponseDue)
	}
	if again, _ := command.FoldTicket(mustRead(t, store, eventlog.TicketStream(before.ID))); again.State().Customer.Tier != domain.TierStandard {
		t.Fatal("the earlier ticket changed tier")
	}
	if _, err := c.CustomerTier.Handle(ctx, command.ChangeCustomerTier{CustomerID: uuid.New(), Tier: domain.TierVIP}, staff); !errors.Is(err, application.ErrNotFound) {
		t.Fatalf("unknown record: %v, want ErrNotFound", err)
	}
	if _, err := c.CustomerTier.Handle(ctx, command.ChangeCustomerTier{CustomerID: id, Tier: "gold"}, staff); !errors.Is(err, application.ErrInvalid) {
		t.Fatalf("bad tier: %v, want ErrInvalid", err)
	}
}

// TestConcurrentReceivesMakeOneRecord: receives racing for one new customer (email and
// external id) all join one record, registered once.
func TestConcurrentReceivesMakeOneRecord(t *testing.T) {
	c, store, _ := newCommands(t)
	ctx := context.Background()
	const n = 12
	ids := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cust := domain.Customer{Name: "Sun", Email: "sun@example.com", Tier: domain.TierCore}
			if i%2 == 0 {
				cust.ID = "ext-sun"
			}
			res, err := c.Receive.Handle(ctx, command.ReceiveTicket{Channel: domain.ChannelChat, Subject: "hi", Customer: cust}, staff)
			if err != nil {
				t.Error(err)
				return
			}
			ids[i] = res.Ticket.Customer.RecordID
		}()
	}
	wg.Wait()
	for _, id := range ids {
		if id != ids[0] {
			t.Fatalf("record ids %v, want one", ids)
		}
	}
	recs := mustRead(t, store, eventlog.CustomerStream(uuid.MustParse(ids[0])))
	registered := 0
	for _, r := range recs {
		if r.Type == domain.TypeCustomerRegistered {
			registered++
		}
	}
	if registered != 1 {
		t.Fatalf("%d CustomerRegistered, want 1", registered)
	}
}

func mustRead(t *testing.T, store eventlog.EventStore, stream string) []eventlog.Record {
	t.Helper()
	recs, err := store.ReadStream(context.Background(), stream)
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// TestSealedRecordIsErasedByItsKey: with a key store, CustomerRegistered holds the
// personal fields sealed; the stream verifies before and after the key is destroyed,
// and after it the fields no longer open.
func TestSealedRecordIsErasedByItsKey(t *testing.T) {
	c, store, clock := newCommands(t)
	keys := erasure.NewMemoryKeys()
	secrets, _ := auth.NewSecrets(make([]byte, 32))
	c = command.NewCommands(command.Config{Store: store, Clock: clock, Policy: domain.DefaultSLAPolicy(), Secrets: secrets, Keys: keys})
	ticket := receiveFor(t, c, domain.Customer{ID: "C-5", Name: "陈静", Email: "chen@example.com", Phone: "+86 21 5555 0000", Tier: domain.TierCore})
	id := uuid.MustParse(ticket.Customer.RecordID)
	recs := mustRead(t, store, eventlog.CustomerStream(id))
	for _, pii := range []string{"chen@example.com", "陈静", "5555"} {
		if strings.Contains(string(recs[0].Data), pii) {
			t.Fatalf("CustomerRegistered holds %q in plain: %s", pii, recs[0].Data)
		}
	}
	reg, _ := domain.DecodeCustomerEvent(recs[0].Type, recs[0].Data)
	key, err := keys.Lookup(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if email, err := erasure.Open(key, id, reg.(domain.CustomerRegistered).Email); err != nil || email != "chen@example.com" {
		t.Fatalf("open: %q %v", email, err)
	}
	if err := keys.Destroy(context.Background(), id); err != nil {
		t.Fatal(err)
	}
	v := eventlog.NewChainVerifier()
	for _, r := range mustRead(t, store, eventlog.CustomerStream(id)) {
		v.Add(r)
	}
	if len(v.Problems) != 0 {
		t.Fatalf("the chain after erasure: %v", v.Problems)
	}
	if _, err := keys.Lookup(context.Background(), id); !errors.Is(err, erasure.ErrErased) {
		t.Fatalf("key after destroy: %v", err)
	}
	// The erased customer's record stays (its tier, its tickets' grouping): a new ticket
	// from them joins it, and needs no key, as nothing of the record is sealed anew.
	again := receiveFor(t, c, domain.Customer{Name: "陈静", Email: "chen@example.com"})
	if again.Customer.RecordID != id.String() || again.Customer.Tier != domain.TierCore {
		t.Fatalf("after erasure the customer joined %s (%s)", again.Customer.RecordID, again.Customer.Tier)
	}
}
