package notify_test

import (
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/ticketengine/ticketengine/adapters/smtp/smtptest"
	"github.com/ticketengine/ticketengine/cmd/internal/service"
	"github.com/ticketengine/ticketengine/cmd/internal/service/servicetest"
)

// TestSelfServiceMailConfirmsTheAddress: a ticket opened with no token is mailed, through
// a real SMTP server, to the address given, with its number and a link under
// --portal-url (the help center) that carries the confirmation token (which the 201 never
// shows); the link's page confirms with one button, and the ticket joins the record of
// that email.
func TestSelfServiceMailConfirmsTheAddress(t *testing.T) {
	mail := smtptest.Start(t)
	const portal = "https://help.example.com/portal"
	svc, _ := servicetest.RunService(t, service.Config{EventStore: "memory:", Data: t.TempDir(), Policies: service.PolicyConfig{
		SMTPURL: mail.URL(), SMTPFrom: "Help <help@example.com>", PortalURL: portal + "/"}})
	srv := httptest.NewServer(svc.HTTP)
	t.Cleanup(srv.Close)
	staff := servicetest.Client{T: t, Base: srv.URL, Token: svc.AdminToken}
	staff.Must(201, "POST", "/tickets", map[string]any{"channel": "api", "subject": "earlier",
		"customer": map[string]any{"name": "Ann", "email": "ann@example.com", "tier": "core"}})
	anon := servicetest.Client{T: t, Base: srv.URL}
	opened := anon.Must(201, "POST", "/portal/tickets", map[string]any{
		"customer": map[string]any{"name": "Ann", "email": "Ann@Example.com"}, "subject": "Invoice is wrong", "body": "Please fix it."})
	number, code := opened.Body["number"].(string), opened.Body["access_code"].(string)
	if strings.Contains(opened.Raw, "token") {
		t.Fatalf("the 201 shows the confirmation token: %s", opened.Raw)
	}

	got := servicetest.MailTo(t, mail, "Ann@Example.com", number)
	link := regexp.MustCompile(regexp.QuoteMeta(portal) + `/tickets/` + number + `/confirm\?code=` + code + `&token=[0-9A-Z]+`).FindString(got.Body)
	if link == "" || !strings.Contains(got.Body, "Confirm your email address") {
		t.Fatalf("received mail without the number and the confirmation link:\n%s\n%s", got.Subject, got.Body)
	}
	if r := anon.Must(200, "GET", "/portal/tickets/"+number+"?code="+code, nil); r.Body["verified"] != false {
		t.Fatalf("before the link: %s", r.Raw)
	}
	// The help center's base is --portal-url; this server serves it under /help. Opening
	// the link shows a button and changes nothing; pressing it confirms.
	path := "/help" + strings.TrimPrefix(link, portal)
	if status, _, body := servicetest.Page(t, "GET", srv.URL+path, nil); status != 200 || !strings.Contains(body, `method="post"`) {
		t.Fatalf("opening the link: %d\n%s", status, body)
	}
	if r := anon.Must(200, "GET", "/portal/tickets/"+number+"?code="+code, nil); r.Body["verified"] != false {
		t.Fatalf("opening the link confirmed: %s", r.Raw)
	}
	if status, h, _ := servicetest.Page(t, "POST", srv.URL+path, url.Values{}); status != 303 || !strings.HasPrefix(h.Get("Location"), "/help/tickets/"+number+"?code="+code) {
		t.Fatalf("pressing the button: %d %v", status, h)
	}
	if done := anon.Must(200, "GET", "/portal/tickets/"+number+"?code="+code, nil); done.Body["verified"] != true {
		t.Fatalf("after the button: %s", done.Raw)
	}
	rec := staff.Must(200, "GET", "/customers?email=ann@example.com", nil)
	if !strings.Contains(rec.Raw, `"total":2`) || !strings.Contains(rec.Raw, `"tier":"core"`) {
		t.Fatalf("the record after the confirmation: %s", rec.Raw)
	}
}
