package service_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/adapters/smtp/smtptest"
	"github.com/ticketengine/ticketengine/cmd/internal/service"
	"github.com/ticketengine/ticketengine/cmd/internal/service/servicetest"
)

// noEmailChannels is a service with two signed channels and the notifier on, mailing
// through a test SMTP server that counts what it is sent.
func noEmailChannels(t *testing.T) (servicetest.Client, *smtptest.Server, func(channel, secret string, msg map[string]any) servicetest.Response) {
	t.Helper()
	const wechat, hotline = "wechat-secret-no-email-1", "hotline-secret-no-email-2"
	mail := smtptest.Start(t)
	svc, _ := servicetest.RunService(t, service.Config{EventStore: "memory:", Data: t.TempDir(),
		Policies: service.PolicyConfig{SMTPURL: mail.URL(), SMTPFrom: "Help <help@example.com>", PortalURL: "https://help.example.com/portal/"},
		Inbound:  service.InboundConfig{Channels: "wechat=chat:" + wechat + ",hotline=phone:" + hotline}})
	srv := httptest.NewServer(svc.HTTP)
	t.Cleanup(srv.Close)
	c := servicetest.Client{T: t, Base: srv.URL, Token: svc.AdminToken}
	post := func(channel, secret string, msg map[string]any) servicetest.Response {
		t.Helper()
		b, _ := json.Marshal(msg)
		stamp := strconv.FormatInt(time.Now().Unix(), 10)
		mac := hmac.New(sha256.New, []byte(secret))
		mac.Write([]byte(stamp + "."))
		mac.Write(b)
		return servicetest.Client{T: t, Base: c.Base, Invalid: true}.Do("POST", "/channels/"+channel+"/messages", string(b),
			"X-Tickets-Timestamp", stamp, "X-Tickets-Signature", "sha256="+hex.EncodeToString(mac.Sum(nil)))
	}
	return c, mail, func(channel, _ string, msg map[string]any) servicetest.Response {
		t.Helper()
		if channel == "wechat" {
			return post(channel, wechat, msg)
		}
		return post(channel, hotline, msg)
	}
}

func channelMsg(id, conv string, customer map[string]any, body string) map[string]any {
	return map[string]any{"message_id": id, "conversation_id": conv, "customer": customer, "subject": "发票", "body": body}
}

func created(t *testing.T, r servicetest.Response) (ticket, number, code string) {
	t.Helper()
	if r.Status != http.StatusCreated {
		t.Fatalf("status %d, want 201: %s", r.Status, r.Raw)
	}
	ticket, _ = r.Body["ticket_id"].(string)
	number, _ = r.Body["number"].(string)
	code, _ = r.Body["access_code"].(string)
	if ticket == "" || number == "" || code == "" {
		t.Fatalf("answer without ticket, number or access code: %s", r.Raw)
	}
	return ticket, number, code
}

func recordOf(t *testing.T, c servicetest.Client, ticket string) string {
	t.Helper()
	cust := c.Must(200, "GET", "/tickets/"+ticket, nil).Body["customer"].(map[string]any)
	id, _ := cust["record_id"].(string)
	if id == "" {
		t.Fatalf("ticket %s joined no record: %v", ticket, cust)
	}
	return id
}

// TestChannelCustomersWithoutEmail: a WeChat user known by their openid alone and a
// hotline caller known by their number open tickets through the signed intake, thread,
// join one record (by openid, then by the phone the openid's record was given), look their
// tickets up by number and access code, are found by phone and erased, and are mailed
// nothing, while a customer with an email on the same service is.
func TestChannelCustomersWithoutEmail(t *testing.T) {
	c, mail, post := noEmailChannels(t)
	openid := map[string]any{"id": "oWx-openid-7f3a", "name": "李雷"}

	first, number, code := created(t, post("wechat", "", channelMsg("wx-1", "wx-conv-1", openid, "发票抬头错了")))
	if again, _, _ := created(t, post("wechat", "", channelMsg("wx-2", "wx-conv-1", openid, "公司名称是某某有限公司"))); again != first {
		t.Fatalf("second message of the conversation went to %s, want %s", again, first)
	}
	if n := len(c.Must(200, "GET", "/tickets/"+first+"/messages", nil).Body["items"].([]any)); n != 2 {
		t.Fatalf("%d messages on the ticket, want 2", n)
	}
	record := recordOf(t, c, first)

	// A new conversation from the same openid, now with a phone: the same record, which
	// gains the phone (and keeps its id).
	withPhone := map[string]any{"id": "oWx-openid-7f3a", "name": "李雷", "phone": "+86 138-0000-1111"}
	second, _, _ := created(t, post("wechat", "", channelMsg("wx-3", "wx-conv-2", withPhone, "又来了")))
	if second == first || recordOf(t, c, second) != record {
		t.Fatalf("new conversation: ticket %s record %s, want a new ticket on record %s", second, recordOf(t, c, second), record)
	}

	// A caller with the number alone (no id, no name, no email) joins it by phone.
	caller := map[string]any{"phone": "+8613800001111"}
	call, _, _ := created(t, post("hotline", "", channelMsg("call-1", "call-1", caller, "电话：发票还没到")))
	if recordOf(t, c, call) != record {
		t.Fatalf("the caller joined %s, want %s", recordOf(t, c, call), record)
	}
	// Another number is another customer.
	other, _, _ := created(t, post("hotline", "", channelMsg("call-2", "call-2", map[string]any{"phone": "010 6666 7777"}, "咨询")))
	if recordOf(t, c, other) == record {
		t.Fatal("another number joined the same record")
	}

	rec := c.Must(200, "GET", "/customers/"+record, nil)
	ext := rec.Body["external_ids"].([]any)
	if rec.Body["email"] != "" || rec.Body["phone"] != "+86 138-0000-1111" || len(ext) != 1 ||
		ext[0].(map[string]any)["source"] != "wechat" || ext[0].(map[string]any)["id"] != "oWx-openid-7f3a" ||
		rec.Body["tickets"].(map[string]any)["total"] != float64(3) {
		t.Fatalf("record: %s", rec.Raw)
	}
	if byExt := c.Must(200, "GET", "/customers/oWx-openid-7f3a", nil); byExt.Body["id"] != record {
		t.Fatalf("by openid: %s", byExt.Raw)
	}
	found := c.Must(200, "GET", "/customers?phone="+url.QueryEscape("0086 13800001111"), nil).Body["items"].([]any)
	if len(found) != 1 || found[0].(map[string]any)["id"] != record {
		t.Fatalf("by phone: %v", found)
	}
	c.Must(422, "GET", "/customers?phone=call-me", nil)

	// The help center's look-up by number and code, as for any ticket.
	anon := servicetest.Client{T: t, Base: c.Base}
	if v := anon.Must(200, "GET", "/portal/tickets/"+number+"?code="+code, nil); v.Body["number"] != number {
		t.Fatalf("portal: %s", v.Raw)
	}
	if status, _, body := servicetest.Page(t, http.MethodGet, c.Base+"/help/tickets/"+number+"?code="+code, nil); status != 200 || !strings.Contains(body, number) {
		t.Fatalf("help center page: %d", status)
	}

	// Staff answer and resolve: the customer has no address, nothing is mailed.
	c.Must(200, "POST", "/tickets/"+first+"/replies", map[string]any{"body": "已重开发票", "public": true})
	c.Must(200, "POST", "/tickets/"+first+"/escalate", map[string]any{"team": "billing", "reason": "invoice"})
	c.Must(200, "POST", "/tickets/"+first+"/resolve", map[string]any{"resolution": "reissued"})

	// A customer with an address, after them in the store: once their mails are out, the
	// notifier has passed every notice above.
	ctl := c.Must(201, "POST", "/tickets", map[string]any{"channel": "chat", "subject": "对照",
		"customer": map[string]any{"name": "韩梅梅", "email": "han@example.com", "tier": "core"}, "body": "x"})
	c.Must(200, "POST", "/tickets/"+ctl.Body["id"].(string)+"/replies", map[string]any{"body": "收到", "public": true})
	servicetest.WaitFor(t, 15*time.Second, "the receipt and the answer to han@example.com", func() bool {
		n := 0
		for _, m := range mail.Messages() {
			if m.To == "han@example.com" {
				n++
			}
		}
		return n >= 2
	})
	for _, m := range mail.Messages() {
		if m.To != "han@example.com" {
			t.Errorf("mail to %q (%s): a customer without an email is mailed nothing", m.To, m.Subject)
		}
	}

	// Erasure by the openid: the record and its tickets forget the customer.
	erased := c.Must(200, "POST", "/customers/oWx-openid-7f3a/erase", nil)
	if erased.Body["erased"] != true || erased.Body["name"] != "" || erased.Body["phone"] != nil {
		t.Fatalf("erased: %s", erased.Raw)
	}
	if got := c.Must(200, "GET", "/tickets/"+call, nil).Body["customer"].(map[string]any); got["phone"] != nil && got["phone"] != "" {
		t.Fatalf("the caller's ticket after the erasure: %v", got)
	}
}

// TestChannelCustomerRefusals: a message naming nobody, a phone that is no number and an
// email that is no address are 422s naming the field, and append nothing: the same
// message_id sent right afterwards is taken as new.
func TestChannelCustomerRefusals(t *testing.T) {
	c, _, post := noEmailChannels(t)
	for _, tc := range []struct {
		customer map[string]any
		field    string
	}{
		{map[string]any{"name": "无名"}, "customer"},
		{map[string]any{"name": "张三", "phone": "call me"}, "customer.phone"},
		{map[string]any{"phone": "+86 138 0000 1111 2222 3333"}, "customer.phone"},
		{map[string]any{"id": "oWx-1", "email": "not-an-address"}, "customer.email"},
	} {
		r := post("wechat", "", channelMsg("bad-1", "bad-conv", tc.customer, "x"))
		if r.Status != 422 || !strings.Contains(r.Raw, `"field":"`+tc.field+`"`) {
			t.Fatalf("%v: %d %s, want 422 naming %s", tc.customer, r.Status, r.Raw, tc.field)
		}
	}
	created(t, post("wechat", "", channelMsg("bad-1", "bad-conv", map[string]any{"id": "oWx-1"}, "x")))

	// Staff may open a chat, phone or api ticket for a customer without an email; an
	// email or web ticket, and a self-service one, still needs the address.
	c.Must(201, "POST", "/tickets", map[string]any{"channel": "phone", "subject": "来电",
		"customer": map[string]any{"name": "王五", "phone": "+86 139 0000 2222", "tier": "standard"}})
	for _, ch := range []string{"email", "web"} {
		r := servicetest.Client{T: t, Base: c.Base, Token: c.Token, Invalid: true}.Do("POST", "/tickets", map[string]any{"channel": ch,
			"subject": "s", "customer": map[string]any{"name": "王五", "phone": "+86 139 0000 2222", "tier": "standard"}})
		if r.Status != 422 || !strings.Contains(r.Raw, `"field":"customer.email"`) {
			t.Fatalf("channel %s without email: %d %s", ch, r.Status, r.Raw)
		}
	}
	r := servicetest.Client{T: t, Base: c.Base, Invalid: true}.Do("POST", "/portal/tickets", map[string]any{"subject": "s", "body": "b",
		"customer": map[string]any{"name": "王五"}})
	if r.Status != 422 || !strings.Contains(r.Raw, "customer.email") {
		t.Fatalf("self-service without email: %d %s", r.Status, r.Raw)
	}
}

// TestChannelCustomerGainsEmail: a WeChat user first known by the openid alone later
// gives an email: their record keeps its id, shows the email and is found by it.
func TestChannelCustomerGainsEmail(t *testing.T) {
	c, _, post := noEmailChannels(t)
	first, _, _ := created(t, post("wechat", "", channelMsg("g-1", "g-conv-1", map[string]any{"id": "oWx-gain"}, "你好")))
	record := recordOf(t, c, first)
	later, _, _ := created(t, post("wechat", "", channelMsg("g-2", "g-conv-2",
		map[string]any{"id": "oWx-gain", "name": "韩梅梅", "email": "Han.Later@example.com"}, "补充邮箱")))
	if recordOf(t, c, later) != record {
		t.Fatalf("with an email the customer joined %s, want %s", recordOf(t, c, later), record)
	}
	if v := c.Must(200, "GET", "/customers/"+record, nil); v.Body["email"] != "Han.Later@example.com" || v.Body["name"] != "oWx-gain" {
		t.Fatalf("record: %s", v.Raw)
	}
	found := c.Must(200, "GET", "/customers?email=han.later@example.com", nil).Body["items"].([]any)
	if len(found) != 1 || found[0].(map[string]any)["id"] != record {
		t.Fatalf("by email: %v", found)
	}
}
