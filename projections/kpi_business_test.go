package projections

import (
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/domain"
)

// The fact keeps the working times the events carry, the first response's only once, and
// falls back to calendar time where nothing was carried (24×7).
func TestKPIFactKeepsTheWorkingTimesTheEventsCarry(t *testing.T) {
	t0 := time.Date(2026, 3, 6, 9, 0, 0, 0, time.UTC)
	hours := func(n int) *time.Duration { d := time.Duration(n) * time.Hour; return &d }
	f := KPIFact{State: emptyTicket()}
	f = ApplyKPI(f, domain.TicketReceived{Priority: domain.P3, Team: "support"}, t0)
	f = ApplyKPI(f, domain.TicketReplied{Body: "hi", Public: true, FirstResponseWork: hours(2)}, t0.Add(65*time.Hour))
	f = ApplyKPI(f, domain.TicketReplied{Body: "again", Public: true, FirstResponseWork: hours(9)}, t0.Add(66*time.Hour))
	if d, ok := f.FirstResponseTimeIn(KPITimeBusiness); !ok || d != 2*time.Hour {
		t.Fatalf("business first response %v %v, want 2h", d, ok)
	}
	if d, _ := f.FirstResponseTimeIn(KPITimeCalendar); d != 65*time.Hour {
		t.Fatalf("calendar first response %v, want 65h", d)
	}
	if _, ok := f.ResolutionTimeIn(KPITimeBusiness); ok {
		t.Fatal("an open ticket has a resolution time")
	}
	f = ApplyKPI(f, domain.TicketResolved{Resolution: "done", ResolutionWork: hours(5)}, t0.Add(70*time.Hour))
	if d, _ := f.ResolutionTimeIn(KPITimeBusiness); d != 5*time.Hour {
		t.Fatalf("business resolution %v, want 5h", d)
	}
	// Reopened and resolved again under 24×7 (no calendar any more): calendar time.
	f = ApplyKPI(f, domain.TicketReopened{Reason: "again"}, t0.Add(71*time.Hour))
	f = ApplyKPI(f, domain.TicketResolved{Resolution: "done"}, t0.Add(72*time.Hour))
	if d, _ := f.ResolutionTimeIn(KPITimeBusiness); d != 72*time.Hour {
		t.Fatalf("business resolution without a calendar %v, want the calendar 72h", d)
	}
}

func TestParseKPITime(t *testing.T) {
	for in, want := range map[string]string{"": KPITimeCalendar, "calendar": KPITimeCalendar, "business": KPITimeBusiness} {
		if got, err := ParseKPITime(in); err != nil || got != want {
			t.Errorf("%q: %q %v", in, got, err)
		}
	}
	for _, in := range []string{"Business", "wall", " business"} {
		if _, err := ParseKPITime(in); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
}
