package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/adapters/web"
	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/access"
	"github.com/ticketengine/ticketengine/application/attachments"
	"github.com/ticketengine/ticketengine/application/auth"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/query"
	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/domain/errs"
	"github.com/ticketengine/ticketengine/projections"
)

// fakeDesk has two accounts (an agent and an analyst, password "right password") and
// one ticket at version 7, whose customer wrote a script; Act refuses every command
// sent at another version than 7, as the event store refuses a wrong expected version.
type fakeDesk struct {
	mu          sync.Mutex
	deactivated map[uuid.UUID]bool
	acted       []web.DeskAction
	meta        []command.CommandMeta
	presence    []string
	queue       []query.TicketView // when set, every queue's tickets, paged (desk_queue_test.go)
}

var (
	agentID   = uuid.MustParse("00000000-0000-0000-0000-0000000000a1")
	analystID = uuid.MustParse("00000000-0000-0000-0000-0000000000a2")
	accounts  = map[string]web.DeskUser{
		"li@example.com":  {ID: agentID, Name: "李伟", Email: "li@example.com", Role: "agent", Team: "billing"},
		"ana@example.com": {ID: analystID, Name: "Ana", Email: "ana@example.com", Role: "analyst"},
	}
	deskTicketID = uuid.MustParse("00000000-0000-0000-0000-0000000000b1")
	macroID      = uuid.MustParse("00000000-0000-0000-0000-0000000000c1")
)

func (f *fakeDesk) SignIn(_ context.Context, email, password string) (web.DeskUser, error) {
	u, ok := accounts[email]
	if !ok || password != "right password" || f.isDeactivated(u.ID) {
		return web.DeskUser{}, auth.ErrSignIn
	}
	return u, nil
}

func (f *fakeDesk) isDeactivated(id uuid.UUID) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.deactivated[id]
}

func (f *fakeDesk) Account(_ context.Context, id uuid.UUID) (web.DeskUser, error) {
	for _, u := range accounts {
		if u.ID == id && !f.isDeactivated(id) {
			return u, nil
		}
	}
	return web.DeskUser{}, application.ErrUnauthorized
}

func (f *fakeDesk) Queue(_ context.Context, q projections.QueueFilter, limit int, cursor string) ([]query.TicketView, string, error) {
	if f.queue != nil {
		return pageOf(f.queue, limit, cursor)
	}
	if q.Assignee != agentID {
		return nil, "", nil
	}
	return []query.TicketView{{ID: deskTicketID, Number: "TK-7", Subject: "退款 <i>please</i>", Status: domain.StatusAssigned}}, "", nil
}

func (f *fakeDesk) Search(_ context.Context, q string, _ int) ([]query.TicketView, error) {
	if q != "退款" {
		return nil, nil
	}
	return []query.TicketView{{ID: deskTicketID, Number: "TK-7", Subject: "退款", Status: domain.StatusAssigned}}, nil
}

// deskReceived is when the fake desk's ticket came in.
var deskReceived = time.Date(2026, 12, 3, 8, 5, 0, 0, time.UTC)

func (f *fakeDesk) Ticket(context.Context, uuid.UUID) (web.DeskTicket, error) {
	return web.DeskTicket{
		Ticket: query.TicketView{ID: deskTicketID, Number: "TK-7", Subject: "<b>refund</b>", Status: domain.StatusWaiting, Version: 7,
			Customer: domain.Customer{Name: "<img src=x onerror=alert(1)>", Email: "ann@example.com"},
			SLA: query.SLAView{ // answered in time; the resolution clock still runs
				FirstResponseDue: query.JSONTime(deskReceived.Add(4 * time.Hour)), ResolutionDue: query.JSONTime(time.Now().Add(50 * time.Hour)),
				FirstResponseMet: true, ResolutionRunning: true}},
		Messages: []projections.MessageView{
			{Kind: projections.MessageCustomer, Body: "<script>alert(1)</script>", Author: projections.AuthorView{Kind: projections.AuthorCustomer},
				At: query.JSONTime(deskReceived)},
			{Kind: projections.MessageInternal, Body: "check the invoice", Author: projections.AuthorView{Kind: projections.AuthorAgent}},
		},
		Macros: []web.DeskMacro{{ID: macroID, Name: "<退款模板>"}},
	}, nil
}

func (f *fakeDesk) Act(_ context.Context, _ web.DeskUser, _ uuid.UUID, a web.DeskAction, m command.CommandMeta) (command.TicketResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.acted, f.meta = append(f.acted, a), append(f.meta, m)
	if m.ExpectedVersion == nil || *m.ExpectedVersion != 7 {
		return command.TicketResult{}, errs.E(errs.PreconditionFailed, "the ticket is at version 7")
	}
	return command.TicketResult{Ticket: domain.TicketState{ID: deskTicketID, Version: 8}}, nil
}

func (f *fakeDesk) File(_ context.Context, id string) (attachments.File, error) {
	if id != "f1" {
		return attachments.File{}, application.ErrNotFound
	}
	body := "<html><script>alert(1)</script>"
	return attachments.File{Attachment: domain.Attachment{ID: "f1", Filename: "收据.html", ContentType: "text/plain", Size: int64(len(body))},
		Body: io.NopCloser(strings.NewReader(body))}, nil
}

func (f *fakeDesk) SetPresence(_ context.Context, u web.DeskUser, online bool, _ command.CommandMeta) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.presence = append(f.presence, u.Email+"="+strconv.FormatBool(online))
	return nil
}

// desk is the pages with the fake desk and real in-memory sessions.
type desk struct {
	h    http.Handler
	fake *fakeDesk
}

func newAgentDesk(t *testing.T, accountLimit *access.Limiter) desk {
	return newAgentDeskWith(t, web.Options{SignInAccountLimiter: accountLimit})
}

func newAgentDeskWith(t testing.TB, o web.Options) desk {
	t.Helper()
	f := &fakeDesk{deactivated: map[uuid.UUID]bool{}}
	o.Customers, o.Tickets, o.Desk, o.SessionStore = &fakeCustomers{}, fakeTickets{domain.StatusAssigned}, f, auth.NewMemorySessions()
	s, err := web.New(o)
	if err != nil {
		t.Fatal(err)
	}
	return desk{h: s, fake: f}
}

// signIn posts the sign-in form over TLS and returns the answer and the session cookie.
func (d desk) signIn(t testing.TB, email, password string) (*httptest.ResponseRecorder, *http.Cookie) {
	t.Helper()
	return d.signInAt(t, "https://desk.example/desk/signin", email, password)
}

func (d desk) signInAt(t testing.TB, target, email, password string) (*httptest.ResponseRecorder, *http.Cookie) {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, target,
		strings.NewReader(url.Values{"email": {email}, "password": {password}, "next": {"/desk/team"}}.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w := httptest.NewRecorder()
	d.h.ServeHTTP(w, r)
	for _, c := range w.Result().Cookies() {
		if c.Name == "desk_session" {
			return w, c
		}
	}
	return w, nil
}

// get fetches a desk page with the session cookie (nil: none).
func (d desk) get(c *http.Cookie, target string) *httptest.ResponseRecorder {
	return d.getWith(c, target)
}

// getWith is get with headers (name, value, …).
func (d desk) getWith(c *http.Cookie, target string, header ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodGet, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	if c != nil {
		r.AddCookie(c)
	}
	w := httptest.NewRecorder()
	d.h.ServeHTTP(w, r)
	return w
}

func (d desk) post(c *http.Cookie, target string, form url.Values, header ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodPost, target, strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	if c != nil {
		r.AddCookie(c)
	}
	w := httptest.NewRecorder()
	d.h.ServeHTTP(w, r)
	return w
}

// TestSignInSetsAGuardedSessionCookie: the right pair opens a session in a cookie that
// no script reads, that is not sent cross-site, only to /desk, and only over TLS when the
// request came over TLS; the user lands where the sign-in was asked for.
func TestSignInSetsAGuardedSessionCookie(t *testing.T) {
	d := newAgentDesk(t, nil)
	w, c := d.signIn(t, "li@example.com", "right password")
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/desk/team" || c == nil {
		t.Fatalf("%d %v %v", w.Code, w.Header(), c)
	}
	if !c.HttpOnly || !c.Secure || c.SameSite != http.SameSiteLaxMode || c.Path != "/desk" || len(c.Value) < 43 {
		t.Errorf("cookie %+v", c)
	}
	if page := d.get(c, "/desk/queue"); page.Code != http.StatusOK || !strings.Contains(page.Body.String(), `data-value="TK-7"`) ||
		!strings.Contains(page.Body.String(), "退款 &lt;i&gt;please&lt;/i&gt;") {
		t.Fatalf("queue: %d %s", page.Code, page.Body)
	}
}

// TestSessionCookieIsSecureBehindAnHTTPSProxy: on plain HTTP the cookie is Secure only
// when the server is reached over https (SecureCookies, from --public-url).
func TestSessionCookieIsSecureBehindAnHTTPSProxy(t *testing.T) {
	for _, secure := range []bool{false, true} {
		d := newAgentDeskWith(t, web.Options{SecureCookies: secure})
		_, c := d.signInAt(t, "http://desk.example/desk/signin", "li@example.com", "right password")
		if c == nil || c.Secure != secure || !c.HttpOnly {
			t.Fatalf("SecureCookies %v: %+v", secure, c)
		}
	}
}

// TestWrongSignInsAreRefusedAndThrottled: a wrong password is a 401 page that keeps the
// email and says nothing of which was wrong; once the account's budget is spent, even the
// right password gets the 429 page.
func TestWrongSignInsAreRefusedAndThrottled(t *testing.T) {
	d := newAgentDesk(t, access.NewLimiter(3, 60e9))
	for i := 0; i < 3; i++ {
		w, c := d.signIn(t, "li@example.com", "wrong password")
		if w.Code != http.StatusUnauthorized || c != nil || !strings.Contains(w.Body.String(), `value="li@example.com"`) {
			t.Fatalf("attempt %d: %d %v", i, w.Code, c)
		}
	}
	w, c := d.signIn(t, "li@example.com", "right password")
	if w.Code != http.StatusTooManyRequests || c != nil || w.Header().Get("Retry-After") == "" {
		t.Fatalf("after 3 failures: %d %v", w.Code, c)
	}
	if w, c := d.signIn(t, "ana@example.com", "right password"); w.Code != http.StatusSeeOther || c == nil {
		t.Fatalf("another account from the same client: %d", w.Code)
	}
}

// TestSignOutEndsTheSession: after sign-out the old cookie opens nothing.
func TestSignOutEndsTheSession(t *testing.T) {
	d := newAgentDesk(t, nil)
	_, c := d.signIn(t, "li@example.com", "right password")
	if w := d.post(c, "/desk/signout", url.Values{}); w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/desk/signin" {
		t.Fatalf("sign-out: %d %v", w.Code, w.Header())
	}
	if w := d.get(c, "/desk/queue"); w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/desk/signin") {
		t.Fatalf("after sign-out: %d %v", w.Code, w.Header())
	}
}

// TestDeactivationEndsTheSession: the next request after a deactivation is signed out,
// and stays so after a reactivation (the session was ended, not suspended).
func TestDeactivationEndsTheSession(t *testing.T) {
	d := newAgentDesk(t, nil)
	_, c := d.signIn(t, "li@example.com", "right password")
	d.fake.mu.Lock()
	d.fake.deactivated[agentID] = true
	d.fake.mu.Unlock()
	if w := d.get(c, "/desk/queue"); w.Code != http.StatusSeeOther {
		t.Fatalf("deactivated: %d", w.Code)
	}
	d.fake.mu.Lock()
	d.fake.deactivated[agentID] = false
	d.fake.mu.Unlock()
	if w := d.get(c, "/desk/queue"); w.Code != http.StatusSeeOther {
		t.Fatalf("reactivated, old session: %d", w.Code)
	}
}

// TestGuardRedirectsAndForbids: nobody signed in is sent to the sign-in page (with the
// way back); an analyst gets the 403 page on the agent's pages.
func TestGuardRedirectsAndForbids(t *testing.T) {
	d := newAgentDesk(t, nil)
	if w := d.get(nil, "/desk/tickets/"+deskTicketID.String()); w.Code != http.StatusSeeOther ||
		w.Header().Get("Location") != "/desk/signin?next=%2Fdesk%2Ftickets%2F"+deskTicketID.String() {
		t.Fatalf("anonymous: %d %v", w.Code, w.Header())
	}
	_, c := d.signIn(t, "ana@example.com", "right password")
	if w := d.get(c, "/desk/queue"); w.Code != http.StatusForbidden {
		t.Fatalf("analyst: %d", w.Code)
	}
	if w := d.get(c, "/desk"); w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/desk/analyst" {
		t.Fatalf("the analyst's home: %d %v", w.Code, w.Header())
	}
	w := d.post(nil, "/desk/signin", url.Values{"email": {"li@example.com"}, "password": {"right password"}, "next": {"//evil.example/desk"}})
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/desk" {
		t.Fatalf("sign-in with a foreign next: %d %v", w.Code, w.Header())
	}
}

// TestCrossSiteDeskPostsAreRefused: a form posted from another site (the browser says so in
// Sec-Fetch-Site) is refused, whatever cookie it carries.
func TestCrossSiteDeskPostsAreRefused(t *testing.T) {
	d := newAgentDesk(t, nil)
	_, c := d.signIn(t, "li@example.com", "right password")
	w := d.post(c, "/desk/tickets/"+deskTicketID.String()+"/resolve", url.Values{"version": {"7"}}, "Sec-Fetch-Site", "cross-site")
	if w.Code != http.StatusForbidden || len(d.fake.acted) != 0 {
		t.Fatalf("cross-site: %d, acted %v", w.Code, d.fake.acted)
	}
	if w := d.post(nil, "/desk/signin", url.Values{"email": {"li@example.com"}, "password": {"right password"}}, "Sec-Fetch-Site", "cross-site"); w.Code != http.StatusForbidden {
		t.Fatalf("cross-site sign-in: %d", w.Code)
	}
}
