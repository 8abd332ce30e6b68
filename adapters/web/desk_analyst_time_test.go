package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Asia/Shanghai on machines without a zone database

	"github.com/ticketengine/ticketengine/adapters/eventstore/memstore"
	"github.com/ticketengine/ticketengine/adapters/readmodel/memreadmodel"
	"github.com/ticketengine/ticketengine/adapters/web"
	"github.com/ticketengine/ticketengine/application/auth"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections"
	"github.com/ticketengine/ticketengine/projections/readmodeltest"
)

// analystBusinessDesk is the analyst's page over real read models of one core-tier ticket
// under a China calendar, Monday to Friday 09:00–18:00 Asia/Shanghai: received Friday
// 6 March 2026 at 17:00, answered Monday at 10:00 (65 h of calendar time, 1 h on Friday +
// 1 h on Monday = 2 h of business time), resolved Monday at 12:00 (67 h; 4 h).
func analystBusinessDesk(t *testing.T) http.Handler {
	t.Helper()
	ctx := context.Background()
	cst, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	day := []string{"09:00-18:00"}
	cal, err := domain.NewCalendar(domain.CalendarSpec{Name: "cn-9-18", TimeZone: "Asia/Shanghai",
		Hours: map[string][]string{"mon": day, "tue": day, "wed": day, "thu": day, "fri": day}}, cst)
	if err != nil {
		t.Fatal(err)
	}
	p := domain.DefaultSLAPolicy()
	p.Calendars = map[string]*domain.Calendar{cal.Name: cal}
	p.BusinessTime = []domain.CalendarRule{{Tier: domain.TierCore, Calendar: cal.Name}}
	w := readmodeltest.NewWorld(t, memstore.New())
	secrets, err := auth.NewSecrets([]byte("analyst-test-key-0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	w.Commands = command.NewCommands(command.Config{Store: w.Events, Clock: w.Clock, Policy: p, Secrets: secrets})
	at := func(d, h int) { w.Clock.Set(time.Date(2026, 3, d, h, 0, 0, 0, cst)) }
	at(6, 17)
	agent := w.Agent(t, "Li", "support")
	id := w.Receive(t, domain.TierCore, domain.ChannelEmail, "发票", "请开发票").Ticket.ID
	meta := command.CommandMeta{Actor: "admin"}
	at(9, 9)
	if _, err := w.Commands.Assign.Handle(ctx, command.AssignTicket{TicketID: id, AgentID: agent.ID}, meta); err != nil {
		t.Fatal(err)
	}
	at(9, 10)
	if _, err := w.Commands.Reply.Handle(ctx, command.ReplyToTicket{TicketID: id, Body: "您好", Public: true}, meta); err != nil {
		t.Fatal(err)
	}
	at(9, 12)
	if _, err := w.Commands.Resolve.Handle(ctx, command.ResolveTicket{TicketID: id, Resolution: "已开"}, meta); err != nil {
		t.Fatal(err)
	}
	store := memreadmodel.New()
	engine := readmodeltest.CaughtUp(t, store, w)
	s, err := web.New(web.Options{Customers: &fakeCustomers{}, Tickets: fakeTickets{domain.StatusAssigned},
		Sessions: deskSessions{}, ManagerReads: projections.NewService(w.Events, store, engine, w.Clock)})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestAnalystPageShowsBusinessTime: the page's time select (calendar by default, business
// on request) goes to the KPI report as GET /reports/kpi?time= does, and the durations in
// the table, the charts and the CSV download follow it; a value it does not offer is a 422
// naming the field.
func TestAnalystPageShowsBusinessTime(t *testing.T) {
	h := analystBusinessDesk(t)
	page := func(q string) answer {
		t.Helper()
		a := do(h, http.MethodGet, "/desk/analyst?from=2026-03-06&to=2026-03-07&group_by=tier"+q, nil, "Cookie", "desk=analyst")
		if a.status != http.StatusOK {
			t.Fatalf("%s: %d %s", q, a.status, a.body)
		}
		return a
	}
	// The table's cells (first response, resolution: seconds, avg) and the charts' series
	// (JSON in data-chart, HTML-escaped).
	cal, biz := page(""), page("&time=business")
	for _, c := range []struct {
		name, body string
		want, not  []string
	}{
		{"calendar", cal.body, []string{"<td>234000.0</td><td>241200.0</td>", "[234000]", "[241200]",
			`<option value="calendar" selected>`, "First response (s, avg)"},
			[]string{"<td>7200.0</td>", "time=business"}},
		{"business", biz.body, []string{"<td>7200.0</td><td>14400.0</td>", "[7200]", "[14400]",
			`<option value="business" selected>`, "First response (business s, avg)", "Resolution time (business seconds)",
			"/desk/analyst/kpi.csv?from=2026-03-06&amp;group_by=tier&amp;time=business&amp;to=2026-03-07"},
			[]string{"<td>234000.0</td>", "[234000]"}},
	} {
		for _, w := range c.want {
			if !strings.Contains(c.body, w) {
				t.Errorf("%s time: the page lacks %q", c.name, w)
			}
		}
		for _, n := range c.not {
			if strings.Contains(c.body, n) {
				t.Errorf("%s time: the page shows %q", c.name, n)
			}
		}
	}
	if !strings.Contains(cal.body, `<label for="time">`) || !strings.Contains(cal.body, `aria-describedby="time-hint"`) {
		t.Error("the time select has no label or hint")
	}
	if a := page("&time=calendar"); !strings.Contains(a.body, "<td>234000.0</td><td>241200.0</td>") {
		t.Error("time=calendar does not show calendar time")
	}

	csvOf := func(q string) answer {
		return do(h, http.MethodGet, "/desk/analyst/kpi.csv?from=2026-03-06&to=2026-03-07&group_by=tier"+q, nil, "Cookie", "desk=analyst")
	}
	if a := csvOf("&time=business"); a.status != 200 || !strings.Contains(a.body, "\ncore,1,1,1,7200,7200,7200,14400,14400,14400,") {
		t.Errorf("CSV in business time: %d %s", a.status, a.body)
	}
	if a := csvOf(""); a.status != 200 || !strings.Contains(a.body, "\ncore,1,1,1,234000,234000,234000,241200,241200,241200,") {
		t.Errorf("CSV in calendar time: %d %s", a.status, a.body)
	}
	bad := do(h, http.MethodGet, "/desk/analyst?time=sidereal", nil, "Cookie", "desk=analyst")
	if bad.status != http.StatusUnprocessableEntity || !strings.Contains(bad.body, "Time: ") {
		t.Errorf("time=sidereal: %d %s", bad.status, bad.body)
	}
	if a := csvOf("&time=sidereal"); a.status < 400 || a.status >= 500 {
		t.Errorf("CSV with time=sidereal: %d %s", a.status, a.body)
	}
}
