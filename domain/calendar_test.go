package domain_test

import (
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/domain"
)

func mustCalendar(t *testing.T, zone string, hours map[string][]string) (*domain.Calendar, *time.Location) {
	t.Helper()
	loc, err := time.LoadLocation(zone)
	if err != nil {
		t.Fatal(err)
	}
	cal, err := domain.NewCalendar(domain.CalendarSpec{Name: "c", TimeZone: zone, Hours: hours}, loc)
	if err != nil {
		t.Fatal(err)
	}
	return cal, loc
}

// docs/SLA-CLOCKS.md, "A night desk across a change of clocks".
func TestNightSpanAcrossTheSpringChangeHoldsSevenHours(t *testing.T) {
	cal, berlin := mustCalendar(t, "Europe/Berlin", map[string][]string{"sat": {"22:00-06:00"}})
	from, to := time.Date(2026, 3, 28, 22, 0, 0, 0, berlin), time.Date(2026, 3, 29, 6, 0, 0, 0, berlin)
	if got := cal.Business(from, to); got != 7*time.Hour {
		t.Fatalf("the span holds %v, want 7h", got)
	}
	if got := cal.AddBusiness(time.Date(2026, 3, 28, 23, 0, 0, 0, berlin), 6*time.Hour); !got.Equal(to) {
		t.Fatalf("23:00 + 6h = %v, want %v", got, to)
	}
}

// docs/SLA-CLOCKS.md, "Overlapping spans".
func TestOverlappingSpansCountOnce(t *testing.T) {
	cal, utc := mustCalendar(t, "UTC", map[string][]string{"mon": {"22:00-06:00"}, "tue": {"05:00-09:00"}})
	mon := time.Date(2026, 3, 2, 22, 0, 0, 0, utc)
	if got := cal.Business(mon, mon.Add(11*time.Hour)); got != 11*time.Hour {
		t.Fatalf("Monday 22:00 to Tuesday 09:00 holds %v, want 11h", got)
	}
	if got := cal.AddBusiness(mon, 11*time.Hour); !got.Equal(mon.Add(11 * time.Hour)) {
		t.Fatalf("due %v", got)
	}
}

// A target that ends with a day's last span is due at its end, not the next morning.
func TestDueAtTheEndOfASpanIsThatEnd(t *testing.T) {
	cal, utc := mustCalendar(t, "UTC", map[string][]string{"mon": {"09:00-18:00"}, "tue": {"09:00-18:00"}})
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, utc)
	if got, want := cal.AddBusiness(start, 9*time.Hour), time.Date(2026, 3, 2, 18, 0, 0, 0, utc); !got.Equal(want) {
		t.Fatalf("due %v, want %v", got, want)
	}
	if got, want := cal.AddBusiness(start, 10*time.Hour), time.Date(2026, 3, 3, 10, 0, 0, 0, utc); !got.Equal(want) {
		t.Fatalf("due %v, want %v", got, want)
	}
	if got := cal.AddBusiness(start, 0); !got.Equal(start) {
		t.Fatalf("zero target due %v", got)
	}
}

func TestCalendarSpecMistakes(t *testing.T) {
	utc := time.UTC
	for _, spec := range []domain.CalendarSpec{
		{Name: "", Hours: map[string][]string{"mon": {"09:00-17:00"}}},
		{Name: "c", Hours: map[string][]string{"mon": {"25:00-26:00"}}},
		{Name: "c", Hours: map[string][]string{"mon": {"24:00-02:00"}}},
		{Name: "c", Hours: map[string][]string{"mon": {"09:00-17:00"}}, Holidays: []string{"2026-02-30"}},
		{Name: "c", Hours: map[string][]string{"mon": {"09:00-17:00"}}, MakeUpDays: []domain.MakeUpDay{{Date: "2026-02-28", WorksAs: "funday"}}},
	} {
		if _, err := domain.NewCalendar(spec, utc); err == nil {
			t.Errorf("%+v accepted", spec)
		}
	}
}
