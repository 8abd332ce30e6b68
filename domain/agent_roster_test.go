package domain_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/domain"
)

func rosteredAgent(t *testing.T) *domain.Agent {
	t.Helper()
	a := domain.NewAgent()
	evs, err := domain.Register(domain.RegisterAgent{Name: "Wang", Email: "wang@example.com", Capacity: 3}, uuid.New())
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range evs {
		a.Apply(e)
	}
	return a
}

func TestSetRosterRefusesBadZonesAndOverlaps(t *testing.T) {
	now := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	span := func(s, e string) []domain.RosterSpan { return []domain.RosterSpan{{Start: s, End: e}} }
	cases := map[string]struct {
		tz     string
		roster domain.Roster
	}{
		"unknown zone":          {"Mars/Olympus", domain.Roster{}},
		"bad weekday":           {"UTC", domain.Roster{Weekly: map[string][]domain.RosterSpan{"monday": span("09:00", "17:00")}}},
		"bad time":              {"UTC", domain.Roster{Weekly: map[string][]domain.RosterSpan{"mon": span("9:00", "17:00")}}},
		"empty span":            {"UTC", domain.Roster{Weekly: map[string][]domain.RosterSpan{"mon": span("09:00", "09:00")}}},
		"overlap in a day":      {"UTC", domain.Roster{Weekly: map[string][]domain.RosterSpan{"mon": {{Start: "09:00", End: "13:00"}, {Start: "12:00", End: "18:00"}}}}},
		"overlap past midnight": {"UTC", domain.Roster{Weekly: map[string][]domain.RosterSpan{"mon": span("22:00", "06:00"), "tue": span("05:00", "09:00")}}},
		"overlap across sunday": {"UTC", domain.Roster{Weekly: map[string][]domain.RosterSpan{"sat": span("22:00", "08:00"), "sun": span("07:00", "09:00")}}},
		"bad date":              {"UTC", domain.Roster{Dates: map[string][]domain.RosterSpan{"2026-13-01": span("09:00", "17:00")}}},
	}
	for name, c := range cases {
		a := rosteredAgent(t)
		tz, r := c.tz, c.roster
		_, err := a.SetRoster(&tz, &r, now)
		var verr *domain.ValidationError
		if !errors.As(err, &verr) {
			t.Errorf("%s: %v, want a validation error", name, err)
		}
	}
	a := rosteredAgent(t)
	tz, r := "Asia/Shanghai", domain.Roster{Weekly: map[string][]domain.RosterSpan{"mon": span("22:00", "06:00"), "tue": span("06:00", "09:00")}}
	evs, err := a.SetRoster(&tz, &r, now)
	if err != nil || len(evs) != 1 {
		t.Fatalf("a valid roster: %v %v", evs, err)
	}
	a.Apply(evs[0])
	if evs, _ := a.SetRoster(&tz, &r, now.Add(time.Hour)); len(evs) != 0 {
		t.Fatalf("the same roster again recorded %v", evs)
	}
}

func TestShiftsKeepWallClockHoursAcrossDaylightSaving(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no zoneinfo")
	}
	s := domain.AgentState{Timezone: "America/New_York", Roster: domain.Roster{
		Weekly: map[string][]domain.RosterSpan{"sun": {{Start: "00:00", End: "24:00"}}, "sat": {{Start: "22:00", End: "02:00"}}},
		Dates:  map[string][]domain.RosterSpan{"2026-11-08": {}},
	}}
	// DST ends in New York on Sunday 1 November 2026; 8 November is a day off.
	got := domain.ShiftsOf(s, time.Date(2026, 10, 31, 12, 0, 0, 0, ny), time.Date(2026, 11, 9, 0, 0, 0, 0, ny))
	want := []domain.Shift{
		{Start: time.Date(2026, 10, 31, 22, 0, 0, 0, ny).UTC(), End: time.Date(2026, 11, 2, 0, 0, 0, 0, ny).UTC()}, // touching spans merge
		{Start: time.Date(2026, 11, 7, 22, 0, 0, 0, ny).UTC(), End: time.Date(2026, 11, 8, 2, 0, 0, 0, ny).UTC()},
	}
	if len(got) != len(want) {
		t.Fatalf("shifts %v, want %v", got, want)
	}
	for i := range want {
		if !got[i].Start.Equal(want[i].Start) || !got[i].End.Equal(want[i].End) {
			t.Fatalf("shift %d: %v, want %v", i, got[i], want[i])
		}
	}
	if d := got[0].End.Sub(got[0].Start); d != 27*time.Hour { // 26 wall-clock hours plus the repeated one
		t.Fatalf("the shift across the change lasts %s, want 27h", d)
	}
	at, starting, _, ok := domain.LastShiftBoundary(s, time.Date(2026, 11, 8, 1, 0, 0, 0, ny))
	if !ok || !starting || !at.Equal(want[1].Start) {
		t.Fatalf("last boundary %v %v %v", at, starting, ok)
	}
}

func TestShiftBoundaryIsRecordedOnce(t *testing.T) {
	a := rosteredAgent(t)
	now := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	tz, r := "UTC", domain.Roster{Weekly: map[string][]domain.RosterSpan{"mon": {{Start: "09:00", End: "17:00"}}}}
	evs, _ := a.SetRoster(&tz, &r, now)
	a.Apply(evs[0])
	start := now.Add(9 * time.Hour)
	if evs, _ := a.PassShiftBoundary(now.Add(-time.Hour), false, time.Time{}); len(evs) != 0 {
		t.Fatal("a boundary before the roster was set was acted on")
	}
	evs, _ = a.PassShiftBoundary(start, true, start.Add(8*time.Hour))
	if len(evs) != 1 {
		t.Fatalf("start: %v", evs)
	}
	a.Apply(evs[0])
	if !a.State().Online {
		t.Fatal("not online at the shift's start")
	}
	if evs, _ := a.PassShiftBoundary(start, true, start.Add(8*time.Hour)); len(evs) != 0 {
		t.Fatal("the same boundary was recorded twice")
	}
}

func TestRosterEventsRoundTrip(t *testing.T) {
	at := time.Date(2026, 12, 7, 1, 0, 0, 0, time.UTC)
	samples := map[string]domain.Event{
		domain.TypeAgentRosterSet: domain.AgentRosterSet{Timezone: "Asia/Shanghai", At: at, Roster: domain.Roster{
			Weekly: map[string][]domain.RosterSpan{"mon": {{Start: "09:00", End: "18:00"}}},
			Dates:  map[string][]domain.RosterSpan{"2026-10-01": {}}}},
		domain.TypeAgentShiftStarted: domain.AgentShiftStarted{At: at, End: at.Add(8 * time.Hour)},
		domain.TypeAgentShiftEnded:   domain.AgentShiftEnded{At: at.Add(8 * time.Hour)},
	}
	for typ, e := range samples {
		data, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		got, err := domain.DecodeAgentEvent(typ, data)
		if err != nil || !reflect.DeepEqual(got, e) || got.EventType() != typ {
			t.Errorf("%s: got %#v, %v", typ, got, err)
		}
	}
	if _, err := domain.DecodeAgentEvent(domain.TypeAgentShiftEnded, []byte(`{"at":"yesterday"}`)); !errors.Is(err, domain.ErrInvalid) {
		t.Errorf("malformed shift end: %v", err)
	}
}

// BenchmarkShiftEndsWithin is routing's question for one rostered agent on each pick.
func BenchmarkShiftEndsWithin(b *testing.B) {
	s := domain.AgentState{Timezone: "Asia/Shanghai", Roster: domain.Roster{Weekly: map[string][]domain.RosterSpan{
		"mon": {{Start: "09:00", End: "18:00"}}, "tue": {{Start: "09:00", End: "18:00"}}, "wed": {{Start: "22:00", End: "06:00"}}}}}
	now := time.Date(2026, 12, 7, 9, 30, 0, 0, time.UTC)
	for b.Loop() {
		domain.ShiftEndsWithin(s, now, 15*time.Minute)
	}
}

// An agent rostered around the clock is on one endless shift: no end at midnight for
// routing, and no start boundary however long ago the roster was set.
func TestRosterAroundTheClockHasNoBoundaries(t *testing.T) {
	r := domain.Roster{Weekly: map[string][]domain.RosterSpan{}}
	for _, d := range []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"} {
		r.Weekly[d] = []domain.RosterSpan{{Start: "00:00", End: "24:00"}}
	}
	s := domain.AgentState{Timezone: "UTC", Roster: r}
	for h := 0; h < 24*30; h += 7 {
		now := time.Date(2026, 12, 1, 23, 50, 0, 0, time.UTC).Add(time.Duration(h) * time.Hour)
		if domain.ShiftEndsWithin(s, now, 15*time.Minute) {
			t.Fatalf("at %s the endless shift ends within 15 minutes", now)
		}
		if at, _, _, ok := domain.LastShiftBoundary(s, now); ok {
			t.Fatalf("at %s a boundary at %s", now, at)
		}
	}
}
