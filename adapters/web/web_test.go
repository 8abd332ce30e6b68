package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/adapters/web"
	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/access"
	"github.com/ticketengine/ticketengine/application/attachments"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/query"
	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections"
)

// fakeCustomers is one ticket, TK-1 with code GOOD, whose customer wrote a script.
type fakeCustomers struct {
	features web.Features
	rated    *web.Rating
	replies  []string
}

var ticketID = uuid.MustParse("00000000-0000-0000-0000-000000000001")

func (f *fakeCustomers) Features() web.Features { return f.features }
func (f *fakeCustomers) Find(_ context.Context, number, code string) (uuid.UUID, error) {
	if number == "TK-1" && code == "GOOD" {
		return ticketID, nil
	}
	return uuid.Nil, application.ErrNotFound
}
func (f *fakeCustomers) Open(_ context.Context, o web.Opening, _ command.CommandMeta) (web.Opened, error) {
	if o.Subject == "" {
		return web.Opened{}, &domain.ValidationError{Fields: []domain.FieldError{{Field: "subject", Message: "is required"}}}
	}
	return web.Opened{Number: "TK-1", AccessCode: "GOOD"}, nil
}
func (f *fakeCustomers) Confirm(context.Context, uuid.UUID, string, command.CommandMeta) (command.TicketResult, error) {
	return command.TicketResult{}, application.ErrNotFound
}
func (f *fakeCustomers) Reply(_ context.Context, _ uuid.UUID, r web.Reply, _ command.CommandMeta) (command.TicketResult, error) {
	f.replies = append(f.replies, r.Body)
	return command.TicketResult{Ticket: domain.TicketState{Number: "TK-1", Version: 1}}, nil
}
func (f *fakeCustomers) Attachment(_ context.Context, id uuid.UUID, att string) (attachments.File, error) {
	if id != ticketID || att != "F1" {
		return attachments.File{}, application.ErrNotFound
	}
	return attachments.File{Attachment: domain.Attachment{ID: "F1", Filename: "账单 1.html", ContentType: "text/html", Size: 5},
		Body: io.NopCloser(strings.NewReader("<b>x"))}, nil
}
func (f *fakeCustomers) Rate(_ context.Context, _ uuid.UUID, r web.Rating, _ command.CommandMeta) (command.TicketResult, error) {
	f.rated = &r
	return command.TicketResult{Ticket: domain.TicketState{Number: "TK-1", Version: 2}}, nil
}

type fakeTickets struct{ status domain.Status }

func (f fakeTickets) Portal(context.Context, uuid.UUID, int64) (projections.PortalView, error) {
	at := query.JSONTime(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
	return projections.PortalView{Number: "TK-1", Status: f.status, Subject: "<b>bold</b>", Version: 3,
		Timeline: []projections.PortalTimelineEntry{{At: at, Kind: projections.KindReceived, Text: "<script>alert(1)</script>"},
			{At: at, Kind: projections.KindReply, Text: "see file", Attachments: []projections.AttachmentView{{ID: "F1", Filename: "账单 1.html", Size: 2048}}},
			{At: at, Kind: projections.KindResolved, Text: "done"}}}, nil
}

func newPagesB(b testing.TB, c *fakeCustomers, status domain.Status) http.Handler {
	return newPages(b, c, status, nil)
}

func newPages(t testing.TB, c *fakeCustomers, status domain.Status, limiter *access.Limiter) http.Handler {
	t.Helper()
	s, err := web.New(web.Options{Customers: c, Tickets: fakeTickets{status}, PortalLimiter: limiter})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

type answer struct {
	status int
	header http.Header
	body   string
}

func do(h http.Handler, method, target string, form url.Values, header ...string) answer {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	r := httptest.NewRequest(method, target, body)
	if form != nil {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return answer{w.Code, w.Header(), w.Body.String()}
}

// TestEveryPageSendsTheSecurityHeaders: the CSP without inline scripts and with
// frame-ancestors 'none', and no Referer from pages (a ticket's URL holds its code).
func TestEveryPageSendsTheSecurityHeaders(t *testing.T) {
	h := newPages(t, &fakeCustomers{}, domain.StatusAssigned, nil)
	for _, target := range []string{"/help", "/help/tickets/TK-1?code=GOOD", "/help/tickets/TK-1?code=BAD",
		"/help/tickets/TK-1/confirm?code=GOOD&token=x", "/help/nowhere", "/help/assets/help.css"} {
		a := do(h, http.MethodGet, target, nil)
		csp := a.header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("%s: Content-Security-Policy %q", target, csp)
		}
		if a.header.Get("Referrer-Policy") != "no-referrer" || a.header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: headers %v", target, a.header)
		}
	}
}

// TestCustomerTextIsEscaped: the subject and the timeline are text, never markup.
func TestCustomerTextIsEscaped(t *testing.T) {
	a := do(newPages(t, &fakeCustomers{}, domain.StatusAssigned, nil), http.MethodGet, "/help/tickets/TK-1?code=GOOD", nil)
	if a.status != http.StatusOK || strings.Contains(a.body, "<script>alert") || strings.Contains(a.body, "<b>bold") ||
		!strings.Contains(a.body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Fatalf("%d\n%s", a.status, a.body)
	}
	for _, hook := range []string{`data-field="number" data-value="TK-1"`, `data-field="status" data-value="assigned"`, `data-field="version" data-value="3"`} {
		if !strings.Contains(a.body, hook) {
			t.Errorf("no %s", hook)
		}
	}
}

// TestNotFound: an unknown page, an unknown number and a wrong code are the same 404 page.
func TestNotFound(t *testing.T) {
	h := newPages(t, &fakeCustomers{}, domain.StatusAssigned, nil)
	var first string
	for _, target := range []string{"/help/nowhere", "/help/tickets/TK-2?code=GOOD", "/help/tickets/TK-1?code=BAD", "/help/tickets/TK-1"} {
		a := do(h, http.MethodGet, target, nil)
		if a.status != http.StatusNotFound || !strings.Contains(a.header.Get("Content-Type"), "text/html") {
			t.Errorf("%s: %d %s", target, a.status, a.header.Get("Content-Type"))
		}
		body := regexp.MustCompile(`name="next" value="[^"]*"`).ReplaceAllString(a.body, "") // the switcher's way back
		if target != "/help/nowhere" && first != "" && body != first {
			t.Errorf("%s tells a wrong code from an unknown number", target)
		}
		if target != "/help/nowhere" {
			first = body
		}
	}
}

// TestCrossSitePostsAreRefused: a form posted from another site changes nothing.
func TestCrossSitePostsAreRefused(t *testing.T) {
	c := &fakeCustomers{}
	h := newPages(t, c, domain.StatusAssigned, nil)
	form := url.Values{"body": {"from elsewhere"}}
	for _, hdr := range [][]string{{"Sec-Fetch-Site", "cross-site"}, {"Origin", "https://evil.example"}} {
		a := do(h, http.MethodPost, "/help/tickets/TK-1/replies?code=GOOD", form, hdr...)
		if a.status != http.StatusForbidden || !strings.Contains(a.body, "another site") {
			t.Errorf("%v: %d", hdr, a.status)
		}
	}
	if a := do(h, http.MethodPost, "/help/tickets/TK-1/replies?code=GOOD", form, "Sec-Fetch-Site", "same-origin"); a.status != http.StatusSeeOther {
		t.Fatalf("same origin: %d %s", a.status, a.body)
	}
	if len(c.replies) != 1 {
		t.Fatalf("replies %q", c.replies)
	}
}

// TestFailedLookUpsAreLimited: the portal's limiter (application/access) refuses a client
// with 429, Retry-After and a page, also for the right code, until the window moves on.
func TestFailedLookUpsAreLimited(t *testing.T) {
	h := newPages(t, &fakeCustomers{}, domain.StatusAssigned, access.NewLimiter(3, time.Minute))
	for range 3 {
		if a := do(h, http.MethodGet, "/help/tickets/TK-1?code=BAD", nil); a.status != http.StatusNotFound {
			t.Fatalf("a wrong code: %d", a.status)
		}
	}
	a := do(h, http.MethodGet, "/help/tickets/TK-1?code=GOOD", nil, "Accept-Language", "zh-CN")
	if a.status != http.StatusTooManyRequests || a.header.Get("Retry-After") == "" || !strings.Contains(a.body, "尝试次数过多") {
		t.Fatalf("%d %v\n%s", a.status, a.header, a.body)
	}
}

// TestOpeningIsLimited: the open limiter (the API's, application/access) counts the
// pages' tickets too.
func TestOpeningIsLimited(t *testing.T) {
	s, err := web.New(web.Options{Customers: &fakeCustomers{}, Tickets: fakeTickets{domain.StatusReceived}, OpenLimiter: access.NewLimiter(2, time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{"name": {"Ann"}, "email": {"a@example.com"}, "subject": {"s"}, "body": {"b"}}
	for range 2 {
		if a := do(s, http.MethodPost, "/help/tickets", form); a.status != http.StatusSeeOther {
			t.Fatalf("%d", a.status)
		}
	}
	if a := do(s, http.MethodPost, "/help/tickets", form); a.status != http.StatusTooManyRequests || a.header.Get("Retry-After") != "60" {
		t.Fatalf("the third ticket in a minute: %d %v", a.status, a.header)
	}
}

// TestOpenRedirectsToTheTicketOrShowsTheFields: a refused field shows the form again
// with what was typed; an opened ticket lands on its page with number and code.
func TestOpenRedirectsToTheTicketOrShowsTheFields(t *testing.T) {
	h := newPages(t, &fakeCustomers{}, domain.StatusAssigned, nil)
	a := do(h, http.MethodPost, "/help/tickets", url.Values{"name": {"Ann"}, "email": {"a@example.com"}, "body": {"<i>kept</i>"}})
	if a.status != http.StatusUnprocessableEntity || !strings.Contains(a.body, "&lt;i&gt;kept&lt;/i&gt;") || !strings.Contains(a.body, `role="alert"`) {
		t.Fatalf("%d\n%s", a.status, a.body)
	}
	a = do(h, http.MethodPost, "/help/tickets", url.Values{"name": {"Ann"}, "email": {"a@example.com"}, "subject": {"s"}, "body": {"b"}})
	if a.status != http.StatusSeeOther || !strings.HasPrefix(a.header.Get("Location"), "/help/tickets/TK-1?code=GOOD&") {
		t.Fatalf("%d %v", a.status, a.header)
	}
}

// TestFormsFollowTheFeatures: the file input and the NPS select appear only when the
// Customers port offers them, and a rating's nps reaches it.
func TestFormsFollowTheFeatures(t *testing.T) {
	for _, on := range []bool{false, true} {
		c := &fakeCustomers{features: web.Features{Attachments: on, NPS: on}}
		h := newPages(t, c, domain.StatusResolved, nil)
		home := do(h, http.MethodGet, "/help", nil).body
		page := do(h, http.MethodGet, "/help/tickets/TK-1?code=GOOD", nil).body
		if strings.Contains(home, `name="attachments"`) != on || strings.Contains(page, `name="nps"`) != on || !strings.Contains(page, `name="score"`) {
			t.Errorf("features %v: the forms do not follow", on)
		}
	}
	c := &fakeCustomers{features: web.Features{NPS: true}}
	a := do(newPages(t, c, domain.StatusResolved, nil), http.MethodPost, "/help/tickets/TK-1/rating?code=GOOD",
		url.Values{"score": {"4"}, "nps": {"9"}, "comment": {"ok"}})
	if a.status != http.StatusSeeOther || c.rated == nil || c.rated.Score != 4 || c.rated.NPS == nil || *c.rated.NPS != 9 {
		t.Fatalf("%d %+v", a.status, c.rated)
	}
}

// TestLanguage: Accept-Language picks the language; the switcher's cookie overrides it
// and sends the customer back to the help center page only.
func TestLanguage(t *testing.T) {
	h := newPages(t, &fakeCustomers{}, domain.StatusAssigned, nil)
	if a := do(h, http.MethodGet, "/help", nil, "Accept-Language", "fr, zh-TW;q=0.8, en;q=0.5"); !strings.Contains(a.body, `<html lang="zh-CN">`) {
		t.Errorf("zh-TW;q=0.8 over en;q=0.5 is not zh")
	}
	if a := do(h, http.MethodGet, "/help", nil, "Accept-Language", "zh", "Cookie", "lang=en"); !strings.Contains(a.body, `<html lang="en">`) {
		t.Errorf("the cookie does not win")
	}
	for next, want := range map[string]string{"/help/tickets/TK-1?code=GOOD": "/help/tickets/TK-1?code=GOOD", "//evil.example/help": "/help", "https://evil.example": "/help"} {
		a := do(h, http.MethodPost, "/help/lang", url.Values{"lang": {"zh"}, "next": {next}})
		if a.status != http.StatusSeeOther || a.header.Get("Location") != want || !strings.Contains(a.header.Get("Set-Cookie"), "lang=zh") {
			t.Errorf("next %q: %d %v", next, a.status, a.header)
		}
	}
}

// TestRootRedirectsToTheHelpCenter: / is the help center's.
func TestRootRedirectsToTheHelpCenter(t *testing.T) {
	a := do(newPages(t, &fakeCustomers{}, domain.StatusAssigned, nil), http.MethodGet, "/", nil)
	if a.status != http.StatusSeeOther || a.header.Get("Location") != "/help" {
		t.Fatalf("%d %v", a.status, a.header)
	}
}
