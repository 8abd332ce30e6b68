package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/adapters/web"
	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections"
)

// rosteredManager's agents: Li works around the clock, Wang every day two hours from
// now for an hour, Zhao has no roster.
type rosteredManager struct{ *fakeManager }

func (rosteredManager) Agents(context.Context) ([]projections.AgentView, error) {
	every := func(start, end string) *domain.Roster {
		r := domain.Roster{Weekly: map[string][]domain.RosterSpan{}}
		for _, d := range []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"} {
			r.Weekly[d] = []domain.RosterSpan{{Start: start, End: end}}
		}
		return &r
	}
	soon := time.Now().UTC().Add(2 * time.Hour)
	return []projections.AgentView{
		{ID: uuid.New(), Name: "Li <i>", Team: "support", Online: true, Active: true, Timezone: "Asia/Shanghai", Roster: every("00:00", "24:00")},
		{ID: uuid.New(), Name: "Wang", Team: "support", Active: true, Timezone: "UTC", Roster: every(soon.Format("15:04"), soon.Add(time.Hour).Format("15:04"))},
		{ID: uuid.New(), Name: "Zhao", Team: "support", Active: true},
	}, nil
}

func TestShiftPageShowsWhoIsOnShiftNowAndLater(t *testing.T) {
	f := rosteredManager{&fakeManager{now: time.Now()}}
	h, err := web.New(web.Options{Customers: &fakeCustomers{}, Tickets: fakeTickets{domain.StatusAssigned},
		Sessions: deskSessions{}, ManagerReads: f, SLAWatch: f, Assigner: f})
	if err != nil {
		t.Fatal(err)
	}
	for role, want := range map[string]int{"supervisor": 200, "admin": 200, "agent": 403, "analyst": 403} {
		if a := do(h, http.MethodGet, "/desk/supervisor/shifts", nil, "Cookie", "desk="+role); a.status != want {
			t.Errorf("as %s: %d, want %d", role, a.status, want)
		}
	}
	a := do(h, http.MethodGet, "/desk/supervisor/shifts", nil, "Cookie", "desk=supervisor")
	now, later, ok := strings.Cut(a.body, `id="shifts-later"`)
	if !ok {
		t.Fatalf("no later section: %s", a.body)
	}
	if !strings.Contains(now, "Li &lt;i&gt;") || strings.Contains(now, ">Wang<") {
		t.Errorf("on shift now: want Li (escaped) and not Wang: %s", now)
	}
	if !strings.Contains(later, ">Wang<") || strings.Contains(a.body, "Zhao") {
		t.Errorf("later: want Wang, and Zhao (no roster) nowhere: %s", later)
	}
}
