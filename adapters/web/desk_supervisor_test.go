package web_test

import (
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/adapters/web"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/query"
	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/domain/errs"
	"github.com/ticketengine/ticketengine/projections"
)

// deskSessions signs in whoever carries the cookie desk=<role>.
type deskSessions struct{}

var deskUserID = uuid.MustParse("00000000-0000-0000-0000-0000000000aa")

func (deskSessions) User(r *http.Request) (web.DeskUser, bool) {
	c, err := r.Cookie("desk")
	if err != nil {
		return web.DeskUser{}, false
	}
	return web.DeskUser{ID: deskUserID, Name: "Mei", Role: c.Value}, true
}

// fakeManager is the supervisor's and analyst's read side and the assign command: the
// ticket is at version 3.
type fakeManager struct {
	now      time.Time
	tickets  []domain.TicketState
	rows     []projections.KPIRow
	kpiQuery []projections.KPIQuery
	assigned []command.CommandMeta
	read     int // tickets Urgent handed out
}

// Urgent is a page of projections.SortQueue's order, as the read models give it; it
// counts the tickets it hands out (read), as the pages ask for them.
func (f *fakeManager) Urgent(_ context.Context, qf projections.QueueFilter, offset, limit int) ([]domain.TicketState, bool, time.Time, error) {
	var open []domain.TicketState
	for _, t := range f.tickets {
		if projections.MatchesStored(&t, qf) {
			open = append(open, t)
		}
	}
	page, more := projections.Page(projections.SortQueue(open, qf, f.now), offset, limit)
	f.read += len(page)
	return page, more, f.now, nil
}
func (f *fakeManager) OpenTicket(_ context.Context, id uuid.UUID) (domain.TicketState, bool, time.Time, error) {
	for _, t := range f.tickets {
		if t.ID == id {
			return t, t.Status.Open(), f.now, nil
		}
	}
	return domain.TicketState{}, false, f.now, nil
}
func (f *fakeManager) Agents(context.Context) ([]projections.AgentView, error) {
	return []projections.AgentView{{ID: deskUserID, Name: "Li <i>", Capacity: 5, OpenTickets: 2, Online: true, Active: true}}, nil
}
func (f *fakeManager) Tickets(_ context.Context, pf projections.TicketFilter, _ int, _ string) ([]query.TicketView, string, error) {
	var out []query.TicketView
	for _, t := range f.tickets {
		if t.Status == pf.Status {
			out = append(out, query.NewTicketView(t, f.now))
		}
	}
	return out, "", nil
}
func (f *fakeManager) KPI(_ context.Context, q projections.KPIQuery) ([]projections.KPIRow, error) {
	f.kpiQuery = append(f.kpiQuery, q)
	return f.rows, nil
}
func (f *fakeManager) Assign(_ context.Context, _, _ uuid.UUID, m command.CommandMeta) (command.TicketResult, error) {
	f.assigned = append(f.assigned, m)
	if m.ExpectedVersion == nil || *m.ExpectedVersion != 3 {
		return command.TicketResult{}, errs.E(errs.PreconditionFailed, "version")
	}
	return command.TicketResult{Ticket: domain.TicketState{Version: 4}}, nil
}

func newDesk(t *testing.T, f *fakeManager, h web.History) http.Handler {
	t.Helper()
	s, err := web.New(web.Options{Customers: &fakeCustomers{}, Tickets: fakeTickets{domain.StatusAssigned},
		Sessions: deskSessions{}, ManagerReads: f, SLAWatch: f, Assigner: f, History: h})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// watched: T-BREACH is past its first-response target, T-RISK has a tenth of its target
// left, T-CALM most of it; T-MET answered after its first-response target, and its
// resolution clock has most of its time left.
func watched(now time.Time) *fakeManager {
	mk := func(n, subject string, created, due time.Time, st domain.Status) domain.TicketState {
		return domain.TicketState{ID: uuid.New(), Number: n, Subject: subject, Status: st, CreatedAt: created,
			SLA: domain.SLADue{FirstResponseDue: due, ResolutionDue: due.Add(time.Hour)}, Version: 3, Priority: domain.P2, Team: "support"}
	}
	f := &fakeManager{now: now, tickets: []domain.TicketState{
		mk("T-CALM", "calm", now.Add(-time.Minute), now.Add(time.Hour), domain.StatusAssigned),
		mk("T-RISK", "risky", now.Add(-90*time.Minute), now.Add(10*time.Minute), domain.StatusAssigned),
		mk("T-BREACH", "<script>alert(1)</script>", now.Add(-time.Hour), now.Add(-time.Minute), domain.StatusEscalated),
		mk("T-MET", "answered late", now.Add(-time.Hour), now.Add(-time.Minute), domain.StatusAssigned),
	}}
	f.tickets[3].FirstRespondedAt = now.Add(-30 * time.Second) // late, but met: its resolution has an hour
	return f
}

// TestManagerPagesFollowTheRoles: the access rules of the matching API actions.
func TestManagerPagesFollowTheRoles(t *testing.T) {
	h := newDesk(t, watched(time.Now()), fakeHistory{})
	for _, c := range []struct {
		path  string
		roles map[string]int
	}{
		{"/desk/supervisor", map[string]int{"supervisor": 200, "admin": 200, "agent": 403, "analyst": 403, "auditor": 403}},
		{"/desk/supervisor/agents", map[string]int{"supervisor": 200, "admin": 200, "agent": 403, "analyst": 403}},
		{"/desk/supervisor/board", map[string]int{"supervisor": 200, "agent": 403, "auditor": 403}},
		{"/desk/analyst", map[string]int{"analyst": 200, "supervisor": 200, "admin": 200, "agent": 403, "auditor": 403}},
		{"/desk/analyst/kpi.csv", map[string]int{"analyst": 200, "agent": 403, "auditor": 403}},
		{"/desk/audit", map[string]int{"auditor": 200, "supervisor": 200, "admin": 200, "agent": 403, "analyst": 403}},
	} {
		for role, want := range c.roles {
			if a := do(h, http.MethodGet, c.path, nil, "Cookie", "desk="+role); a.status != want {
				t.Errorf("%s as %s: %d, want %d", c.path, role, a.status, want)
			}
		}
		if a := do(h, http.MethodGet, c.path, nil); a.status != http.StatusSeeOther || !strings.HasPrefix(a.header.Get("Location"), "/desk/signin") {
			t.Errorf("%s signed out: %d %s", c.path, a.status, a.header.Get("Location"))
		}
	}
}

// TestSLAWatchShowsBreachedAndAtRiskMostUrgentFirst: the breached ticket, then the one at
// risk; the calm one is absent; the customer's subject is text.
func TestSLAWatchShowsBreachedAndAtRiskMostUrgentFirst(t *testing.T) {
	a := do(newDesk(t, watched(time.Now()), nil), http.MethodGet, "/desk/supervisor", nil, "Cookie", "desk=supervisor")
	watch, _, _ := strings.Cut(a.body, `id="escalations"`)
	b, r := strings.Index(watch, `data-value="T-BREACH"`), strings.Index(watch, `data-value="T-RISK"`)
	if a.status != 200 || b < 0 || r < 0 || b > r || strings.Contains(watch, "T-CALM") || strings.Contains(watch, "T-MET") {
		t.Fatalf("order breach %d, risk %d, calm shown %v:\n%s", b, r, strings.Contains(watch, "T-CALM"), a.body)
	}
	if strings.Contains(a.body, "<script>alert") || !strings.Contains(a.body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("the subject is not escaped")
	}
	if !strings.Contains(a.body, `hx-trigger="every 1s"`) || !strings.Contains(a.body, `data-breached="true"`) {
		t.Error("the watch does not refresh itself or does not mark the breach")
	}
}

// TestReassignAppliesAtTheVersionShown: the form's version is the command's If-Match; a
// stale one shows the form again with a 409.
func TestReassignAppliesAtTheVersionShown(t *testing.T) {
	f := watched(time.Now())
	h := newDesk(t, f, nil)
	id := f.tickets[1].ID.String()
	a := do(h, http.MethodPost, "/desk/supervisor/tickets/"+id+"/assign",
		url.Values{"agent_id": {deskUserID.String()}, "version": {"3"}}, "Cookie", "desk=supervisor")
	if a.status != http.StatusSeeOther || len(f.assigned) != 1 || f.assigned[0].Actor != "supervisor:"+deskUserID.String() {
		t.Fatalf("assign: %d %v", a.status, f.assigned)
	}
	a = do(h, http.MethodPost, "/desk/supervisor/tickets/"+id+"/assign",
		url.Values{"agent_id": {deskUserID.String()}, "version": {"2"}}, "Cookie", "desk=supervisor")
	if a.status != http.StatusConflict || !strings.Contains(a.body, `name="version" value="3"`) {
		t.Fatalf("stale version: %d\n%s", a.status, a.body)
	}
	if a := do(h, http.MethodPost, "/desk/supervisor/tickets/"+id+"/assign",
		url.Values{"agent_id": {deskUserID.String()}, "version": {"3"}}, "Cookie", "desk=analyst"); a.status != http.StatusForbidden {
		t.Errorf("an analyst reassigns: %d", a.status)
	}
	page := do(h, http.MethodGet, "/desk/supervisor/agents?ticket="+id, nil, "Cookie", "desk=supervisor")
	if !strings.Contains(page.body, `data-field="version" data-value="3"`) || strings.Contains(page.body, "Li <i>") {
		t.Errorf("the reassign form:\n%s", page.body)
	}
}

func ptr(v float64) *float64 { return &v }

// TestKPICSVMatchesTheReport: text/csv, a header of the API's fields and a row per row
// of the report, for the period and grouping asked.
func TestKPICSVMatchesTheReport(t *testing.T) {
	name := "Li"
	f := &fakeManager{rows: []projections.KPIRow{
		{Group: deskUserID.String(), Name: &name, Received: 4, Resolved: 3, ResolutionRate: ptr(0.75), CSATAvg: ptr(4.5), NPS: ptr(50), NPSResponses: 2},
		{Group: "", Received: 1},
	}}
	a := do(newDesk(t, f, nil), http.MethodGet, "/desk/analyst/kpi.csv?from=2026-11-01&to=2026-12-01T00:00:00Z&group_by=agent", nil, "Cookie", "desk=analyst")
	if a.status != 200 || !strings.HasPrefix(a.header.Get("Content-Type"), "text/csv") {
		t.Fatalf("%d %s", a.status, a.header.Get("Content-Type"))
	}
	recs, err := csv.NewReader(strings.NewReader(a.body)).ReadAll()
	if err != nil || len(recs) != 3 || recs[0][0] != "group" || recs[0][1] != "received" {
		t.Fatalf("%v %q", err, recs)
	}
	if got := recs[1]; got[0] != deskUserID.String() || got[1] != "4" || got[3] != "0.75" || got[15] != "4.5" || got[19] != "50" || got[21] != "Li" || recs[2][1] != "1" || recs[2][3] != "" {
		t.Errorf("rows %q", recs[1:])
	}
	q := f.kpiQuery[0]
	if q.GroupBy != "agent" || !q.From.Equal(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)) || !q.To.Equal(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("query %+v", q)
	}
}

// TestDashboardHasChartsAndTable: the charts' data by day in data-chart attributes, the
// chosen grouping's table, and the CSV link for the same query.
func TestDashboardHasChartsAndTable(t *testing.T) {
	f := &fakeManager{rows: []projections.KPIRow{{Group: "2026-11-02", Received: 7, Resolved: 5, SLAFirstResponseMetRate: ptr(0.5)}}}
	a := do(newDesk(t, f, nil), http.MethodGet, "/desk/analyst?from=2026-11-01&to=2026-11-08&group_by=team", nil, "Cookie", "desk=analyst")
	if a.status != 200 || strings.Count(a.body, "data-chart=") != 6 || !strings.Contains(a.body, `data-group="2026-11-02"`) ||
		!strings.Contains(a.body, "50.0%") || !strings.Contains(a.body, "/desk/analyst/kpi.csv?from=2026-11-01") {
		t.Fatalf("%d\n%s", a.status, a.body)
	}
	if len(f.kpiQuery) != 2 || f.kpiQuery[0].GroupBy != "team" || f.kpiQuery[1].GroupBy != "day" {
		t.Errorf("queries %+v", f.kpiQuery)
	}
	if a := do(newDesk(t, f, nil), http.MethodGet, "/desk/analyst?from=2026-11-08&to=2026-11-01", nil, "Cookie", "desk=analyst"); a.status != http.StatusUnprocessableEntity {
		t.Errorf("from after to: %d", a.status)
	}
}

// TestSLAWatchReadsBoundedPages: with 10,000 open tickets of which 300 are breached, the
// watch shows the 100 most urgent, says more follow, and reads one page of the nearest
// due tickets, not every open ticket; with none breached or at risk it stops after a
// bounded scan.
func TestSLAWatchReadsBoundedPages(t *testing.T) {
	now := time.Now()
	f := &fakeManager{now: now}
	for i := range 10000 {
		due := now.Add(time.Duration(i+1) * time.Hour) // calm: far from due
		if i < 300 {
			due = now.Add(-time.Duration(i+1) * time.Minute) // breached
		}
		f.tickets = append(f.tickets, domain.TicketState{ID: uuid.New(), Number: "T-" + strconv.Itoa(i), Status: domain.StatusAssigned,
			CreatedAt: now.Add(-time.Hour), SLA: domain.SLADue{FirstResponseDue: due, ResolutionDue: due}, Priority: domain.P3})
	}
	a := do(newDesk(t, f, nil), http.MethodGet, "/desk/supervisor", nil, "Cookie", "desk=supervisor")
	if a.status != 200 || strings.Count(a.body, `data-breached="true"`) != 100 || !strings.Contains(a.body, `id="watch-more"`) {
		t.Fatalf("%d, %d breached rows shown", a.status, strings.Count(a.body, `data-breached="true"`))
	}
	if !strings.Contains(a.body, `data-value="T-299"`) || strings.Contains(a.body, `data-value="T-199"`) {
		t.Error("the rows shown are not the most overdue")
	}
	if f.read > 200 {
		t.Errorf("the watch read %d tickets for 100 rows", f.read)
	}
	for i := range 300 {
		f.tickets[i].SLA = domain.SLADue{FirstResponseDue: now.Add(time.Hour), ResolutionDue: now.Add(time.Hour)}
	}
	f.read = 0
	a = do(newDesk(t, f, nil), http.MethodGet, "/desk/supervisor", nil, "Cookie", "desk=supervisor")
	if a.status != 200 || !strings.Contains(a.body, `id="watch-empty"`) || f.read > 2000 {
		t.Errorf("nothing to watch: %d, read %d of 10,000", a.status, f.read)
	}
}
