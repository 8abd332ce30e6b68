package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/adapters/web"
	"github.com/ticketengine/ticketengine/application/hotissues"
	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections"
)

// fakeHot is the hot-issue page's read side: one spike of refunds with two tickets.
type fakeHot struct {
	spike   projections.HotSpike
	tickets []projections.HotTicket
	asked   []projections.HotSpike
}

func (f *fakeHot) Spikes(context.Context, time.Time, time.Time) ([]projections.HotSpike, error) {
	return []projections.HotSpike{f.spike}, nil
}

func (f *fakeHot) SpikeTickets(_ context.Context, sp projections.HotSpike) ([]projections.HotTicket, error) {
	f.asked = append(f.asked, sp)
	return f.tickets, nil
}

func hotDesk(t *testing.T) (http.Handler, *fakeHot) {
	t.Helper()
	start := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	f := &fakeHot{spike: projections.HotSpike{ID: uuid.New(), Version: 0, Detected: hotissues.Detected{Series: "term:退款",
		WindowStart: start, WindowEnd: start.Add(time.Hour), Count: 30, Baseline: 1.5}},
		tickets: []projections.HotTicket{
			{ID: uuid.New(), Number: "TK-AAAAAA", Subject: "退款失败 <b>", Received: start.Add(10 * time.Minute)},
			{ID: uuid.New(), Number: "TK-BBBBBB", Subject: "refund failed", Received: start.Add(5 * time.Minute)},
		}}
	s, err := web.New(web.Options{Customers: &fakeCustomers{}, Tickets: fakeTickets{domain.StatusAssigned},
		Sessions: deskSessions{}, HotIssues: f})
	if err != nil {
		t.Fatal(err)
	}
	return s, f
}

// TestHotIssuePageListsSpikesWithTheirTickets: supervisors, admins and analysts see each
// spike (series, count, baseline, window) with the tickets behind it, escaped; agents and
// auditors may not.
func TestHotIssuePageListsSpikesWithTheirTickets(t *testing.T) {
	h, f := hotDesk(t)
	for role, want := range map[string]int{"supervisor": 200, "admin": 200, "analyst": 200, "agent": 403, "auditor": 403} {
		if a := do(h, http.MethodGet, "/desk/supervisor/hot", nil, "Cookie", "desk="+role); a.status != want {
			t.Errorf("as %s: %d, want %d", role, a.status, want)
		}
	}
	f.asked = nil
	a := do(h, http.MethodGet, "/desk/supervisor/hot", nil, "Cookie", "desk=supervisor", "Accept-Language", "zh")
	body := a.body
	for _, want := range []string{`data-series="term:退款"`, "30 个工单", "1.5", "2026-12-02 09:00 UTC",
		`data-value="TK-AAAAAA"`, `data-value="TK-BBBBBB"`, "退款失败 &lt;b&gt;"} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %q:\n%s", want, body)
		}
	}
	if len(f.asked) != 1 || f.asked[0].Series != "term:退款" {
		t.Errorf("tickets asked for %+v", f.asked)
	}
}
