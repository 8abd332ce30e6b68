package webtest_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/adapters/web"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/query"
	"github.com/ticketengine/ticketengine/cmd/internal/service"
	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections"
)

// twoSecondPolicy gives a core customer's tickets two seconds to a first response.
const twoSecondPolicy = `
warning_share: 0.5
escalation_team: escalations
targets:
  core:
    P1: {first_response: 2s, resolution: 1h}
    P2: {first_response: 2s, resolution: 1h}
    P3: {first_response: 2s, resolution: 1h}
    P4: {first_response: 2s, resolution: 1h}
`

// cookieSessions signs in whoever carries the cookie desk=<role> (the real sessions are
// the sign-in's; these pages only need a user with a role).
type cookieSessions struct{ id uuid.UUID }

func (c cookieSessions) User(r *http.Request) (web.DeskUser, bool) {
	k, err := r.Cookie("desk")
	if err != nil {
		return web.DeskUser{}, false
	}
	return web.DeskUser{ID: c.id, Name: "Mei", Role: k.Value, Language: "en"}, true
}

type managerEngine struct {
	svc   *service.Service
	url   string
	agent uuid.UUID
}

// startManagerEngine is ticketd's assembly with the two-second policy, its pages built
// with the cookie sessions.
func startManagerEngine(t *testing.T) *managerEngine {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	policy := filepath.Join(t.TempDir(), "sla.yaml")
	if err := os.WriteFile(policy, []byte(twoSecondPolicy), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := service.Config{EventStore: "memory:", Data: t.TempDir(), SLAPolicy: policy}
	cfg.Policies.Disabled = true
	svc, err := service.Build(ctx, cfg, nil)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	svc.Start(ctx)
	o := web.Options{Customers: web.CommandCustomers{Commands: svc.Commands}, Tickets: svc.ReadSide,
		Sessions: cookieSessions{uuid.New()}}
	svc.ManagerPages(&o)
	o.StaffAdmin = web.CommandStaffAdmin{Read: svc.ReadSide, Commands: svc.Commands}
	pages, err := web.New(o)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if web.Owns(r.URL.Path) {
			pages.ServeHTTP(w, r)
			return
		}
		svc.API.ServeHTTP(w, r)
	}))
	t.Cleanup(func() { srv.Close(); cancel(); svc.Wait(); _ = svc.Close() })
	a, err := svc.Commands.RegisterAgent.Handle(ctx, command.RegisterAgent{Name: "Li Wei", Email: "li@example.com", Capacity: 4, Language: "en"}, staff())
	if err != nil {
		t.Fatal(err)
	}
	return &managerEngine{svc: svc, url: srv.URL, agent: a.Agent.ID}
}

func (e *managerEngine) receive(t *testing.T, subject string) domain.TicketState {
	t.Helper()
	res, err := e.svc.Commands.Receive.Handle(context.Background(), command.ReceiveTicket{Channel: domain.ChannelEmail,
		Customer: domain.Customer{Name: "Wang Fang", Email: "wang@example.com", Tier: domain.TierCore}, Subject: subject, Body: "help"}, staff())
	if err != nil {
		t.Fatal(err)
	}
	return res.Ticket
}

// signIn is the desk's session cookie for a role (after b.language, which clears cookies).
func (b *browser) signIn(t *testing.T, url, role string) {
	t.Helper()
	b.must(t, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, network.SetCookie, network.SetCookieParams{Name: "desk", Value: role, URL: url})
		return err
	}))
}

// TestManagerDesk: a supervisor sees a 2 s SLA breach appear on the SLA watch without
// reloading and reassigns the ticket; an analyst sees the charts drawn and downloads the
// CSV; an auditor sees the chain verified and an earlier state through the time picker;
// no serious or critical axe-core violation on these pages, in either language.
func TestManagerDesk(t *testing.T) {
	b := newBrowser(t)
	e := startManagerEngine(t)
	t.Run("SLAWatch", func(t *testing.T) { slaWatch(t, b, e) })
	t.Run("Dashboard", func(t *testing.T) { dashboard(t, b, e) })
	t.Run("History", func(t *testing.T) { auditHistory(t, b, e) })
	t.Run("Accessibility", func(t *testing.T) { managerAccessible(t, b, e) })
}

func slaWatch(t *testing.T, b *browser, e *managerEngine) {
	b.language(t, "en")
	b.signIn(t, e.url, "supervisor")
	b.must(t, chromedp.Navigate(e.url+"/desk/supervisor"), chromedp.WaitVisible(chromedp.CSS("#sla-watch")))
	_ = js[bool](t, b, `window.__sameDocument = true`)
	tk := e.receive(t, "Login fails")
	row := `#watch tr[data-breached="true"] [data-field="number"][data-value="` + tk.Number + `"]`
	b.must(t, waitFor(`document.querySelector('`+row+`') !== null`))
	if !js[bool](t, b, `window.__sameDocument === true`) {
		t.Fatal("the page reloaded: the breach did not appear by itself")
	}
	b.checkPage(t)
	// Reassign from the watch: the agent load page's form, at the version shown.
	b.must(t, click(`#watch tr[data-ticket="`+tk.ID.String()+`"] a`),
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/assign"]`)),
		click(`form[action$="/assign"] button`),
		waitFor(`location.search.includes('done=1')`))
	got, err := query.GetTicket(context.Background(), e.svc.Store, tk.ID, time.Time{})
	if err != nil || got.Assignee != e.agent || got.Status != domain.StatusAssigned {
		t.Fatalf("after the reassignment: %v %s %s", err, got.Assignee, got.Status)
	}
}

func dashboard(t *testing.T, b *browser, e *managerEngine) {
	tk := e.receive(t, "Refund")
	ctx := context.Background()
	if _, err := e.svc.Commands.Assign.Handle(ctx, command.AssignTicket{TicketID: tk.ID, AgentID: e.agent}, staff()); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Commands.Resolve.Handle(ctx, command.ResolveTicket{TicketID: tk.ID, Resolution: "Refunded."}, staff()); err != nil {
		t.Fatal(err)
	}
	b.language(t, "en")
	b.signIn(t, e.url, "analyst")
	b.must(t, chromedp.Navigate(e.url+"/desk/analyst?group_by=agent"),
		waitFor(`document.querySelectorAll('.chart[data-drawn] svg path').length > 0 && document.querySelectorAll('.chart[data-drawn]').length === 6`))
	b.checkPage(t)
	// The download link, fetched as the browser would download it (with the session).
	csv := value(t, b, chromedp.Evaluate[string](`fetch(document.querySelector('#kpi-csv').href).then(async r =>
		r.headers.get('content-type') + '\n' + r.headers.get('content-disposition') + '\n' + await r.text())`, chromedp.EvalAwaitPromise))
	lines := strings.Split(strings.TrimSpace(csv), "\n")
	to := time.Now().UTC().Truncate(24 * time.Hour).Add(24 * time.Hour)
	rows, err := e.svc.ReadSide.KPI(ctx, projections.KPIQuery{From: to.Add(-30 * 24 * time.Hour), To: to, GroupBy: "agent"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(lines[0], "text/csv") || !strings.Contains(lines[1], "attachment") || len(lines) != 3+len(rows) ||
		!strings.HasPrefix(lines[2], "group,received,") {
		t.Fatalf("the CSV (report has %d rows):\n%s", len(rows), csv)
	}
	for i, r := range rows {
		if !strings.HasPrefix(lines[3+i], r.Group+","+strconv.Itoa(r.Received)+",") {
			t.Errorf("row %d: %q, report %+v", i, lines[3+i], r)
		}
	}
}

func auditHistory(t *testing.T, b *browser, e *managerEngine) {
	tk := e.receive(t, "Invoice")
	time.Sleep(20 * time.Millisecond) // a later millisecond than the receipt
	if _, err := e.svc.Commands.Assign.Handle(context.Background(), command.AssignTicket{TicketID: tk.ID, AgentID: e.agent}, staff()); err != nil {
		t.Fatal(err)
	}
	b.language(t, "en")
	b.signIn(t, e.url, "auditor")
	asOf := tk.CreatedAt.UTC().Format("2006-01-02T15:04:05.000")
	b.must(t, chromedp.Navigate(e.url+"/desk/audit"), fill("#number", tk.Number), click(`form[action="/desk/audit"] button`),
		waitFor(`location.pathname.startsWith('/desk/audit/tickets/')`))
	b.must(t, chromedp.WaitVisible(chromedp.CSS(`#chain[data-chain="verified"]`)),
		waitFor(`document.querySelector('[data-field="status"]').dataset.value === 'assigned'`),
		// Set through the DOM: Chromium normalises a datetime-local value (".120" reads back
		// as ".12"), which chromedp.SetValue takes for a failure.
		waitFor(`(document.querySelector('#as_of').value = '`+asOf+`', true)`), click(`form[action^="/desk/audit/tickets/"] button`),
		waitFor(`document.querySelector('[data-field="status"]').dataset.value === 'received' && document.querySelector('[data-field="version"]').dataset.value === '0'`))
	b.checkPage(t)
}

// managerAccessible runs axe-core on every manager page in both languages, as an admin
// (who sees them all), on a 375 px screen, where no page may scroll sideways (wide
// tables scroll inside their box).
func managerAccessible(t *testing.T, b *browser, e *managerEngine) {
	axe, err := os.ReadFile("testdata/axe-core-4.14.1.min.js")
	if err != nil {
		t.Fatal(err)
	}
	tk := e.receive(t, "Accessible")
	pages := []string{"/desk/supervisor", "/desk/supervisor/agents?ticket=" + tk.ID.String(), "/desk/supervisor/board", "/desk/supervisor/hot",
		"/desk/supervisor/shifts", "/desk/analyst", "/desk/audit", "/desk/audit/tickets/" + tk.ID.String(), "/desk/admin/staff"}
	b.must(t, chromedp.EmulateViewport(375, 812, chromedp.EmulateScale(2)))
	defer b.must(t, chromedp.EmulateViewport(1280, 900))
	for _, lang := range []string{"en", "zh-CN"} {
		b.language(t, lang)
		b.signIn(t, e.url, "admin")
		for _, p := range pages {
			b.must(t, chromedp.Navigate(e.url+p), chromedp.WaitVisible(chromedp.CSS("main")))
			if p == "/desk/analyst" {
				b.must(t, waitFor(`document.querySelectorAll('.chart[data-drawn]').length === 6`))
			}
			if w := js[[]int](t, b, `[document.documentElement.scrollWidth, window.innerWidth]`); w[0] > w[1] {
				t.Errorf("%s in %s: %d px wide on a %d px screen", p, lang, w[0], w[1])
			}
			axeCheck(t, b, axe, p, lang)
		}
	}
}
