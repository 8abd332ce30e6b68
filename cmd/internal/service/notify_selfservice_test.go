package service_test

import (
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/ticketengine/ticketengine/adapters/smtp/smtptest"
	"github.com/ticketengine/ticketengine/cmd/internal/service"
)

// TestSelfServiceMailConfirmsTheAddress: a ticket opened with no token is mailed, through
// a real SMTP server, to the address given, with its number and a link under
// --portal-url that carries the confirmation token (which the 201 never shows); following
// the link (GET, as a mail client does) joins the ticket to the record of that email.
func TestSelfServiceMailConfirmsTheAddress(t *testing.T) {
	mail := smtptest.Start(t)
	const portal = "https://help.example.com/portal"
	svc, _ := runService(t, service.Config{EventStore: "memory:", Data: t.TempDir(), Policies: service.PolicyConfig{
		SMTPURL: mail.URL(), SMTPFrom: "Help <help@example.com>", PortalURL: portal + "/"}})
	srv := httptest.NewServer(svc.HTTP)
	t.Cleanup(srv.Close)
	staff := client{t: t, base: srv.URL, token: svc.AdminToken}
	staff.must(201, "POST", "/tickets", map[string]any{"channel": "api", "subject": "earlier",
		"customer": map[string]any{"name": "Ann", "email": "ann@example.com", "tier": "core"}})
	anon := client{t: t, base: srv.URL}
	opened := anon.must(201, "POST", "/portal/tickets", map[string]any{
		"customer": map[string]any{"name": "Ann", "email": "Ann@Example.com"}, "subject": "Invoice is wrong", "body": "Please fix it."})
	number, code := opened.Body["number"].(string), opened.Body["access_code"].(string)
	if strings.Contains(opened.Raw, "token") {
		t.Fatalf("the 201 shows the confirmation token: %s", opened.Raw)
	}

	got := mailTo(t, mail, "Ann@Example.com", number)
	link := regexp.MustCompile(regexp.QuoteMeta(portal) + `/tickets/` + number + `/confirm\?code=` + code + `&token=[0-9A-Z]+`).FindString(got.Body)
	if link == "" || !strings.Contains(got.Body, "Confirm your email address") {
		t.Fatalf("received mail without the number and the confirmation link:\n%s\n%s", got.Subject, got.Body)
	}
	if r := anon.must(200, "GET", "/portal/tickets/"+number+"?code="+code, nil); r.Body["verified"] != false {
		t.Fatalf("before the link: %s", r.Raw)
	}
	// The help center's base is --portal-url; this server serves the portal under /portal.
	done := anon.must(200, "GET", "/portal"+strings.TrimPrefix(link, portal), nil)
	if done.Body["verified"] != true {
		t.Fatalf("following the link: %s", done.Raw)
	}
	rec := staff.must(200, "GET", "/customers?email=ann@example.com", nil)
	if !strings.Contains(rec.Raw, `"total":2`) || !strings.Contains(rec.Raw, `"tier":"core"`) {
		t.Fatalf("the record after the confirmation: %s", rec.Raw)
	}
}
