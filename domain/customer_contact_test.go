package domain_test

import (
	"errors"
	"testing"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/domain"
)

func TestNormalizePhone(t *testing.T) {
	for in, want := range map[string]string{
		"+86 138-0000-1111":   "+8613800001111",
		" +86 (10) 1234.5678": "+861012345678",
		"0086 13800001111":    "+8613800001111",
		"138 0000 1111":       "13800001111",
		"95588":               "95588",
	} {
		if got, ok := domain.NormalizePhone(in); !ok || got != want {
			t.Errorf("NormalizePhone(%q) = %q %v, want %q", in, got, ok, want)
		}
	}
	for _, bad := range []string{"", "call me", "1234", "+86 138 0000 1111 2222 3", "138+0000", "++8613800001111", "１３８００００１１１１", "138\x000000"} {
		if got, ok := domain.NormalizePhone(bad); ok {
			t.Errorf("NormalizePhone(%q) = %q, want refused", bad, got)
		}
	}
	if !domain.SamePhone("+86 138-0000-1111", "0086 13800001111") || domain.SamePhone("", "") || domain.SamePhone("x", "x") {
		t.Fatal("SamePhone")
	}
}

// TestCustomerRecordIDOf: the id of a new record is derived from the email when there is
// one (as before), else from the external id with its source, else from the phone's key;
// the three never coincide, and the same input always gives the same id.
func TestCustomerRecordIDOf(t *testing.T) {
	wx := &domain.ExternalID{Source: "wechat", ID: "oWx42"}
	byEmail := domain.CustomerRecordIDOf(domain.Customer{Email: "Li@Example.com", Phone: "+86 138 0000 1111"}, wx, "k1")
	if byEmail != domain.CustomerRecordID("li@example.com") {
		t.Fatal("a customer with an email keeps the email's record id")
	}
	byExt := domain.CustomerRecordIDOf(domain.Customer{Phone: "+86 138 0000 1111"}, wx, "k1")
	if byExt != domain.CustomerRecordIDOf(domain.Customer{}, &domain.ExternalID{Source: "wechat", ID: "oWx42"}, "") ||
		byExt == domain.CustomerRecordIDOf(domain.Customer{}, &domain.ExternalID{Source: "line", ID: "oWx42"}, "") ||
		byExt == byEmail {
		t.Fatal("the external id's record id is not derived from source and id alone")
	}
	byPhone := domain.CustomerRecordIDOf(domain.Customer{Phone: "+86 138-0000-1111"}, nil, "k1")
	if byPhone != domain.CustomerRecordIDOf(domain.Customer{Phone: "whatever"}, nil, "k1") || byPhone == byExt || byPhone == uuid.Nil ||
		byPhone == domain.CustomerRecordIDOf(domain.Customer{Phone: "+86 138-0000-1111"}, nil, "k2") {
		t.Fatal("the phone's record id is not derived from the phone's key alone")
	}
}

func TestCustomerWithoutEmail(t *testing.T) {
	id := uuid.New()
	wx := &domain.ExternalID{Source: "wechat", ID: "oWx42"}
	reg, err := domain.RegisterCustomer(id, domain.Customer{Name: "李雷", Tier: domain.TierStandard}, wx)
	if err != nil {
		t.Fatalf("a chat customer known by their openid: %v", err)
	}
	if _, err := domain.RegisterCustomer(id, domain.Customer{Name: "来电", Phone: "+86 138 0000 1111", Tier: domain.TierStandard}, nil); err != nil {
		t.Fatalf("a caller known by their number: %v", err)
	}
	for _, tc := range []struct {
		c     domain.Customer
		ext   *domain.ExternalID
		field string
	}{
		{domain.Customer{Name: "无名", Tier: domain.TierStandard}, nil, "customer"},
		{domain.Customer{Name: "无名", Phone: "call me", Tier: domain.TierStandard}, wx, "customer.phone"},
		{domain.Customer{Name: "无名", Email: "nope", Tier: domain.TierStandard}, wx, "customer.email"},
	} {
		_, err := domain.RegisterCustomer(id, tc.c, tc.ext)
		var ve *domain.ValidationError
		if !errors.As(err, &ve) || len(ve.Fields) != 1 || ve.Fields[0].Field != tc.field {
			t.Errorf("%+v: %v, want one error on %s", tc.c, err, tc.field)
		}
	}

	// The record later gains an email and a phone; it keeps its id, and its own stay.
	r := domain.NewCustomerRecord()
	r.Apply(reg[0])
	added, err := r.AddContact("li@example.com", "+86 138 0000 1111")
	if err != nil || len(added) != 1 {
		t.Fatalf("contact added: %v %v", added, err)
	}
	r.Apply(added[0])
	if st := r.State(); st.ID != id || st.Email != "li@example.com" || st.Phone != "+86 138 0000 1111" {
		t.Fatalf("state: %+v", st)
	}
	if again, _ := r.AddContact("other@example.com", "+86 139 0000 2222"); len(again) != 0 {
		t.Fatalf("a record's own email and phone were replaced: %v", again)
	}
	if e, err := domain.DecodeCustomerEvent(domain.TypeCustomerContactAdded, []byte(`{"email":"a@b.example"}`)); err != nil || e.(domain.CustomerContactAdded).Email != "a@b.example" {
		t.Fatalf("decode: %v %v", e, err)
	}
}

// TestReceiveWithoutEmail: a chat, phone or API ticket may name its customer by id or
// phone; an email or web ticket, and a self-service one, needs the address.
func TestReceiveWithoutEmail(t *testing.T) {
	ok := []domain.ReceiveTicket{
		{Channel: domain.ChannelChat, Customer: domain.Customer{ID: "oWx42", Name: "李雷"}, Subject: "s"},
		{Channel: domain.ChannelPhone, Customer: domain.Customer{Phone: "+86 138 0000 1111", Name: "来电"}, Subject: "s"},
		{Channel: domain.ChannelAPI, Customer: domain.Customer{ID: "crm-1", Name: "A"}, Subject: "s"},
	}
	for _, c := range ok {
		if err := c.Validate(); err != nil {
			t.Errorf("%s: %v", c.Channel, err)
		}
	}
	for _, tc := range []struct {
		field string
		c     domain.ReceiveTicket
	}{
		{"customer.email", domain.ReceiveTicket{Channel: domain.ChannelEmail, Customer: domain.Customer{ID: "x", Name: "A"}, Subject: "s"}},
		{"customer.email", domain.ReceiveTicket{Channel: domain.ChannelWeb, Customer: domain.Customer{Phone: "+86 138 0000 1111", Name: "A"}, Subject: "s"}},
		{"customer.email", domain.ReceiveTicket{Channel: domain.ChannelChat, Customer: domain.Customer{ID: "x", Name: "A"}, Subject: "s", Unverified: true}},
		{"customer", domain.ReceiveTicket{Channel: domain.ChannelChat, Customer: domain.Customer{Name: "A"}, Subject: "s"}},
		{"customer.phone", domain.ReceiveTicket{Channel: domain.ChannelPhone, Customer: domain.Customer{Phone: "+86 abc", Name: "A"}, Subject: "s"}},
	} {
		var ve *domain.ValidationError
		if err := tc.c.Validate(); !errors.As(err, &ve) || len(ve.Fields) != 1 || ve.Fields[0].Field != tc.field {
			t.Errorf("%s: %v, want one error on %s", tc.c.Channel, err, tc.field)
		}
	}
}
