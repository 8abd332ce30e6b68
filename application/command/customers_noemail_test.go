package command_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/auth"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/erasure"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

func receiveVia(t *testing.T, c *command.Commands, source string, ch domain.Channel, cust domain.Customer) domain.TicketState {
	t.Helper()
	if cust.Tier == "" {
		cust.Tier = domain.TierStandard // a new record's; a known one keeps its own
	}
	res, err := c.Receive.Handle(context.Background(), command.ReceiveTicket{
		Channel: ch, Source: source, Subject: "发票", Customer: cust,
	}, staff)
	if err != nil {
		t.Fatal(err)
	}
	return res.Ticket
}

// TestCustomersWithoutEmailJoinByExternalIDThenPhone: a WeChat user known by the openid
// alone gets the record derived from it; their later tickets join it by the openid, one
// giving a phone, which a caller with that number alone then joins by; a later ticket
// naming the openid and an email gives the record the email, and it keeps its id.
func TestCustomersWithoutEmailJoinByExternalIDThenPhone(t *testing.T) {
	_, raw, clock := newCommands(t)
	keys := erasure.NewMemoryKeys()
	secrets, _ := auth.NewSecrets(make([]byte, 32))
	store := erasure.NewOpeningStore(raw, keys) // as ticketd wires it: sealed on append, opened on read
	c := command.NewCommands(command.Config{Store: store, Clock: clock, Policy: domain.DefaultSLAPolicy(), Secrets: secrets, Keys: keys})

	wx := domain.ExternalID{Source: "wechat", ID: "oWx42"}
	first := receiveVia(t, c, "wechat", domain.ChannelChat, domain.Customer{ID: "oWx42", Name: "李雷", Tier: domain.TierVIP})
	rec := first.Customer.RecordID
	if rec != domain.CustomerRecordIDOf(domain.Customer{}, &wx, "").String() {
		t.Fatalf("record %s, want the id derived from the openid", rec)
	}
	second := receiveVia(t, c, "wechat", domain.ChannelChat, domain.Customer{ID: "oWx42", Name: "李雷", Phone: "+86 138-0000-1111"})
	caller := receiveVia(t, c, "hotline", domain.ChannelPhone, domain.Customer{Name: "来电", Phone: "0086 13800001111"})
	if second.Customer.RecordID != rec || caller.Customer.RecordID != rec {
		t.Fatalf("records %s %s, want %s", second.Customer.RecordID, caller.Customer.RecordID, rec)
	}
	if caller.Customer.Tier != domain.TierVIP {
		t.Fatalf("the caller's ticket is on %s, want the record's vip", caller.Customer.Tier)
	}
	// The same openid from another channel is another id.
	if other := receiveVia(t, c, "line", domain.ChannelChat, domain.Customer{ID: "oWx42", Name: "L"}); other.Customer.RecordID == rec {
		t.Fatal("an id of another source joined the record")
	}
	withEmail := receiveVia(t, c, "wechat", domain.ChannelChat, domain.Customer{ID: "oWx42", Name: "李雷", Email: "li@example.com"})
	if withEmail.Customer.RecordID != rec {
		t.Fatalf("with an email: record %s, want %s", withEmail.Customer.RecordID, rec)
	}
	// The record holds the email now: a ticket with the email alone (the portal's
	// confirmation, a mail) finds it, not a new record of the email's own.
	if byEmail := receiveVia(t, c, "", domain.ChannelAPI, domain.Customer{Name: "Li", Email: "LI@example.com"}); byEmail.Customer.RecordID != rec {
		t.Fatalf("by the email it gained: record %s, want %s", byEmail.Customer.RecordID, rec)
	}
	// An email another record holds is not given to this one: the records stay apart.
	wang := receiveVia(t, c, "", domain.ChannelAPI, domain.Customer{Name: "Wang", Email: "wang@example.com"})
	lone := receiveVia(t, c, "wechat", domain.ChannelChat, domain.Customer{ID: "oWx-lone", Name: "L"})
	if again := receiveVia(t, c, "wechat", domain.ChannelChat, domain.Customer{ID: "oWx-lone", Name: "L", Email: "wang@example.com"}); again.Customer.RecordID != lone.Customer.RecordID ||
		lone.Customer.RecordID == wang.Customer.RecordID {
		t.Fatalf("records %s %s %s", lone.Customer.RecordID, again.Customer.RecordID, wang.Customer.RecordID)
	}
	if recs := mustRead(t, store, eventlog.CustomerStream(uuid.MustParse(lone.Customer.RecordID))); len(recs) != 1 {
		t.Fatalf("the lone record took another record's email: %d events", len(recs))
	}

	recs := mustRead(t, store, eventlog.CustomerStream(uuid.MustParse(rec)))
	r, err := command.FoldCustomer(recs)
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, x := range mustRead(t, raw, eventlog.CustomerStream(uuid.MustParse(rec))) {
		types = append(types, x.Type)
		for _, pii := range []string{"li@example.com", "1111", "oWx42"} {
			if strings.Contains(string(x.Data), pii) {
				t.Fatalf("%s holds %q in plain: %s", x.Type, pii, x.Data)
			}
		}
	}
	want := []string{domain.TypeCustomerRegistered, domain.TypeCustomerContactAdded, domain.TypeCustomerContactAdded}
	st := r.State()
	if strings.Join(types, ",") != strings.Join(want, ",") || st.ID.String() != rec || st.Email != "li@example.com" ||
		st.Phone != "+86 138-0000-1111" || len(st.ExternalIDs) != 1 || st.ExternalIDs[0] != wx {
		t.Fatalf("record events %v, want %v; state %+v", types, want, st)
	}

	// A caller with a number nobody gave gets the record derived from the number's key
	// (keyed with the server key: the id gives the number away to no one without it), the
	// same in any written form.
	fresh := receiveVia(t, c, "hotline", domain.ChannelPhone, domain.Customer{Name: "新来电", Phone: "010 6666 7777"})
	if fresh.Customer.RecordID != domain.CustomerRecordIDOf(domain.Customer{}, nil, secrets.PhoneKey("01066667777")).String() ||
		fresh.Customer.RecordID == domain.CustomerRecordIDOf(domain.Customer{}, nil, "01066667777").String() {
		t.Fatalf("new caller's record %s", fresh.Customer.RecordID)
	}
	if again := receiveVia(t, c, "hotline", domain.ChannelPhone, domain.Customer{Name: "新来电", Phone: "010-6666-7777"}); again.Customer.RecordID != fresh.Customer.RecordID {
		t.Fatalf("the same number in another form joined %s, want %s", again.Customer.RecordID, fresh.Customer.RecordID)
	}
}

// TestFirstCallsOfOneNumberAgree: callers of one new number received at once (two nodes)
// join one record.
func TestFirstCallsOfOneNumberAgree(t *testing.T) {
	c, _, _ := newCommands(t)
	const n = 8
	got := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := c.Receive.Handle(context.Background(), command.ReceiveTicket{Channel: domain.ChannelPhone, Subject: "s",
				Customer: domain.Customer{Name: "来电", Phone: "+86 139 0000 2222", Tier: domain.TierStandard}}, staff)
			if err != nil {
				t.Error(err)
				return
			}
			got[i] = res.Ticket.Customer.RecordID
		}()
	}
	wg.Wait()
	for _, id := range got {
		if id != got[0] || id == "" {
			t.Fatalf("records %v, want one", got)
		}
	}
}
