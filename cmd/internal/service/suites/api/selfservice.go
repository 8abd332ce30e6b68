package api

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/ticketengine/ticketengine/cmd/internal/service"
	"github.com/ticketengine/ticketengine/cmd/internal/service/servicetest"
	"github.com/ticketengine/ticketengine/domain"
)

// testSelfService: anyone opens a ticket with no token; typing a VIP's email gains
// nothing until the address is confirmed with the token only the mail carries; then the
// ticket joins the VIP's record, takes its tier, and its due times follow.
func testSelfService(c servicetest.Client, svc *service.Service) {
	t := c.T
	c.Must(201, "POST", "/tickets", map[string]any{"channel": "api", "subject": "VIP",
		"customer": map[string]any{"id": "crm-vip", "name": "贵宾", "email": "vip@example.com", "tier": "vip"}})
	record := c.Must(200, "GET", "/customers/crm-vip", nil).Body["id"].(string)
	anon := servicetest.Client{T: t, Base: c.Base}
	opened := anon.Must(201, "POST", "/portal/tickets", servicetest.SelfServiceTicket("VIP@example.com", "退款没有到账"))
	number, code := opened.Body["number"].(string), opened.Body["access_code"].(string)
	if number == "" || code == "" || opened.Body["status"] != "received" || len(opened.Body) != 3 {
		t.Fatalf("POST /portal/tickets: %s", opened.Raw)
	}
	if v := anon.Must(200, "GET", "/portal/tickets/"+number+"?code="+code, nil); v.Body["verified"] != false {
		t.Fatalf("portal view before confirmation: %s", v.Raw)
	}
	id, err := svc.Commands.FindByNumber.Find(context.Background(), number, code)
	if err != nil {
		t.Fatal(err)
	}
	before := c.Must(200, "GET", "/tickets/"+id.String(), nil)
	cust := before.Body["customer"].(map[string]any)
	if before.Body["verified"] != false || before.Body["channel"] != "web" || cust["tier"] != "standard" || cust["record_id"] != nil {
		t.Fatalf("unverified ticket: %s", before.Raw)
	}
	checkDue(c, before, svc.Policy.Target(domain.TierStandard, domain.DefaultPriority))
	if total := ticketsOf(c, "crm-vip"); total != 1 {
		t.Fatalf("the VIP record counts %v tickets before confirmation, want 1", total)
	}
	bad := anon.InvalidOnPurpose()
	if r := bad.Must(422, "POST", "/portal/tickets", map[string]any{"customer": map[string]any{"name": "A", "email": "a@example.com"},
		"subject": "s", "attachments": []string{"x"}}); !strings.Contains(r.Raw, `"field":"attachments[0]"`) {
		t.Fatalf("attachments: %s", r.Raw)
	}
	bad.Must(400, "POST", "/portal/tickets", map[string]any{"customer": map[string]any{"name": "A", "email": "a@example.com", "tier": "vip"}, "subject": "s"})

	confirm := "/portal/tickets/" + number + "/confirm?code=" + code + "&token="
	anon.Must(404, "GET", confirm+"WRONGTOKEN", nil)
	token := url.QueryEscape(svc.Secrets.ConfirmToken(id))
	done := anon.Must(200, "GET", confirm+token, nil)
	if done.Body["verified"] != true || done.Body["number"] != number {
		t.Fatalf("confirmation: %s", done.Raw)
	}
	if again := anon.Must(200, "POST", confirm+token, nil); again.Body["version"] != done.Body["version"] {
		t.Fatalf("a second confirmation changed the ticket: %s then %s", done.Raw, again.Raw)
	}
	after := c.Must(200, "GET", "/tickets/"+id.String(), nil)
	cust = after.Body["customer"].(map[string]any)
	if after.Body["verified"] != true || cust["tier"] != "vip" || cust["record_id"] != record {
		t.Fatalf("verified ticket: %s", after.Raw)
	}
	checkDue(c, after, svc.Policy.Target(domain.TierVIP, domain.DefaultPriority))
	if total := ticketsOf(c, "crm-vip"); total != 2 {
		t.Fatalf("the VIP record counts %v tickets after confirmation, want 2", total)
	}
	v := anon.Must(200, "GET", "/portal/tickets/"+number+"?code="+code+"&min_version="+strconv.Itoa(int(done.Body["version"].(float64))), nil)
	if v.Body["verified"] != true {
		t.Fatalf("portal view after confirmation: %s", v.Raw)
	}
	testSelfServiceLimits(c)
}

// testSelfServiceLimits: an idempotent repeat answers the same number and code, the
// same key from another client is another ticket; the 21st ticket in a minute from one
// client is a 429 with Retry-After while another client is unaffected.
func testSelfServiceLimits(c servicetest.Client) {
	t := c.T
	one, two := c.FromAddr("127.0.0.2"), c.FromAddr("127.0.0.3")
	first := one.Must(201, "POST", "/portal/tickets", servicetest.SelfServiceTicket("k@example.com", "同一个请求"), "Idempotency-Key", "k-1")
	repeat := one.Must(201, "POST", "/portal/tickets", servicetest.SelfServiceTicket("k@example.com", "同一个请求"), "Idempotency-Key", "k-1")
	other := two.Must(201, "POST", "/portal/tickets", servicetest.SelfServiceTicket("k@example.com", "同一个请求"), "Idempotency-Key", "k-1")
	if repeat.Raw != first.Raw || other.Body["number"] == first.Body["number"] {
		t.Fatalf("idempotent repeat %s of %s; same key from another client %s", repeat.Raw, first.Raw, other.Raw)
	}
	flood := c.FromAddr("127.0.0.4")
	for i := range 20 {
		flood.Must(201, "POST", "/portal/tickets", servicetest.SelfServiceTicket("flood@example.com", "第"+strconv.Itoa(i)+"个"))
	}
	r := flood.Must(429, "POST", "/portal/tickets", servicetest.SelfServiceTicket("flood@example.com", "第21个"))
	if secs, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || secs <= 0 {
		t.Fatalf("429 without a Retry-After: %v", r.Header)
	}
	two.Must(201, "POST", "/portal/tickets", servicetest.SelfServiceTicket("calm@example.com", "另一个客户"))
}

// checkDue: the ticket's due times are the target's durations from its creation.
func checkDue(c servicetest.Client, r servicetest.Response, want domain.SLATarget) {
	c.T.Helper()
	sla := r.Body["sla"].(map[string]any)
	at := func(v any) time.Time {
		tm, err := time.Parse(time.RFC3339Nano, v.(string))
		if err != nil {
			c.T.Fatal(err)
		}
		return tm
	}
	created := at(r.Body["created_at"])
	if fr, res := at(sla["first_response_due"]).Sub(created), at(sla["resolution_due"]).Sub(created); fr != want.FirstResponse || res != want.Resolution {
		c.T.Fatalf("due after %v and %v, want %v and %v: %s", fr, res, want.FirstResponse, want.Resolution, r.Raw)
	}
}

// ticketsOf is how many tickets a customer record counts.
func ticketsOf(c servicetest.Client, ref string) float64 {
	c.T.Helper()
	return c.Must(200, "GET", "/customers/"+ref, nil).Body["tickets"].(map[string]any)["total"].(float64)
}
