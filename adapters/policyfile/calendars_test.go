package policyfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/domain"
)

// holidaysICS is an iCalendar feed as public holiday calendars publish them: all-day
// events, DTEND exclusive, one of them a single day without DTEND.
const holidaysICS = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//holidays//EN\r\n" +
	"BEGIN:VEVENT\r\nUID:nd-2025@test\r\nDTSTAMP:20250101T000000Z\r\nSUMMARY:国庆节、中秋节\r\n" +
	"DTSTART;VALUE=DATE:20251001\r\nDTEND;VALUE=DATE:20251009\r\nEND:VEVENT\r\n" +
	"BEGIN:VEVENT\r\nUID:ny-2026@test\r\nDTSTAMP:20250101T000000Z\r\nSUMMARY:元旦\r\n" +
	"DTSTART;VALUE=DATE:20260101\r\nEND:VEVENT\r\n" +
	"END:VCALENDAR\r\n"

const calendarDoc = `
calendars:
  cn-support:
    time_zone: Asia/Shanghai
    hours:
      mon: ["09:00-12:00", "13:00-18:00"]
      tue: ["09:00-12:00", "13:00-18:00"]
      wed: ["09:00-12:00", "13:00-18:00"]
      thu: ["09:00-12:00", "13:00-18:00"]
      fri: ["09:00-12:00", "13:00-18:00"]
    holidays: ["2025-10-01"]
    holidays_ical: [holidays.ics]
    make_up_days:
      - {date: 2025-09-28, works_as: mon}
      - {date: 2025-10-11}
  night-desk:
    time_zone: Europe/Berlin
    hours: {sun: ["22:00-06:00"], mon: ["22:00-06:00"]}
business_time:
  - {team: support, tier: core, calendar: cn-support}
  - {team: nights, calendar: night-desk}
`

func TestCalendarsFromThePolicyFileAndAnICalendarFeed(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "holidays.ics"), []byte(holidaysICS), 0o600); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "policy.yaml")
	if err := os.WriteFile(path, []byte(calendarDoc), 0o600); err != nil {
		t.Fatal(err)
	}
	p, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	cal := p.SLA.CalendarFor("support", domain.TierCore)
	if cal == nil || cal.Name != "cn-support" {
		t.Fatalf("support/core calendar %v", cal)
	}
	if c := p.SLA.CalendarFor("support", domain.TierVIP); c != nil {
		t.Fatalf("support/vip counts under %s, want 24×7", c.Name)
	}
	spec := cal.Spec()
	want := "2025-10-01 2025-10-02 2025-10-03 2025-10-04 2025-10-05 2025-10-06 2025-10-07 2025-10-08 2026-01-01"
	if got := strings.Join(spec.Holidays, " "); got != want {
		t.Fatalf("holidays %s\nwant     %s", got, want)
	}
	cst := cal.Location()
	// Tuesday 30 September 17:00 + 2 h: one hour that day, the holidays, Thursday 9th 10:00.
	if got, want := cal.AddBusiness(time.Date(2025, 9, 30, 17, 0, 0, 0, cst), 2*time.Hour), time.Date(2025, 10, 9, 10, 0, 0, 0, cst); !got.Equal(want) {
		t.Fatalf("due %v, want %v", got, want)
	}
	// Saturday 11 October is a make-up day with Monday's hours (the default works_as).
	if !cal.Working(time.Date(2025, 10, 11, 9, 30, 0, 0, cst)) || cal.Working(time.Date(2025, 10, 18, 9, 30, 0, 0, cst)) {
		t.Fatal("make-up Saturday 11 October should work, Saturday 18 should not")
	}
	night := p.SLA.CalendarFor("nights", domain.TierStandard)
	berlin := night.Location()
	// Sunday 22:00 to Monday 06:00 is Sunday's span; Monday 03:00 works.
	if !night.Working(time.Date(2026, 3, 2, 3, 0, 0, 0, berlin)) || night.Working(time.Date(2026, 3, 2, 7, 0, 0, 0, berlin)) {
		t.Fatal("the night span does not run across midnight")
	}
}

func TestCalendarMistakesStopWithTheirName(t *testing.T) {
	for _, tc := range []struct{ doc, want string }{
		{"calendars:\n  a:\n    time_zone: UTC\n    hours: {mon: [\"09:00-17:00\"]}\n    holiday: [2025-01-01]\n", "holiday"},
		{"calendars:\n  a:\n    time_zone: Mars/Olympus\n    hours: {mon: [\"09:00-17:00\"]}\n", "calendars.a.time_zone"},
		{"calendars:\n  a:\n    time_zone: UTC\n    hours: {monday: [\"09:00-17:00\"]}\n", "monday"},
		{"calendars:\n  a:\n    time_zone: UTC\n    hours: {mon: [\"9-17\"]}\n", "hours.mon"},
		{"calendars:\n  a:\n    time_zone: UTC\n    hours: {}\n", "no working time"},
		{"calendars:\n  a:\n    time_zone: UTC\n    hours: {mon: [\"09:00-17:00\"]}\n    holidays_ical: [missing.ics]\n", "holidays_ical"},
		{"calendars:\n  a:\n    time_zone: UTC\n    hours: {mon: [\"09:00-17:00\"]}\n    holidays: [2025-10-01]\n    make_up_days: [{date: 2025-10-01}]\n", "both a holiday and a make-up day"},
		{"business_time:\n  - {team: support, calendar: nowhere}\n", "unknown calendar \"nowhere\""},
		{"business_time:\n  - {team: support, calender: x}\n", "calender"},
	} {
		_, err := Parse([]byte(tc.doc), false)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want it to name %q", tc.doc, err, tc.want)
		}
	}
}

func TestStageLimitsFromThePolicyFile(t *testing.T) {
	p, err := Parse([]byte(`
stages:
  - {name: triage, stage: received, after: 15m, action: notify}
  - {name: first_team, stage: escalated, after: 1h, action: escalate, tiers: [vip], priorities: [P1, P2]}
  - {name: waiting_reminder, stage: waiting, after: 48h, action: remind_customer}
  - {name: waiting_silence, stage: waiting, after: 168h, action: resolve}
`), false)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.SLA.Stages) != 4 || p.SLA.Stages[1].After != time.Hour || p.SLA.Stages[1].Priorities[1] != domain.P2 || p.SLA.Stages[3].Action != domain.StageResolve {
		t.Fatalf("stages %+v", p.SLA.Stages)
	}
	for _, tc := range []struct{ doc, want string }{
		{"stages:\n  - {name: a, stage: waiting, after: 1h, action: resolve, tier: [vip]}\n", "tier"},
		{"stages:\n  - {name: a, stage: lunch, after: 1h, action: notify}\n", "unknown stage"},
		{"stages:\n  - {name: a, stage: received, after: 1h, action: resolve}\n", "waiting stage only"},
		{"stages:\n  - {name: a, stage: received, action: notify}\n", "after must be positive"},
		{"stages:\n  - {name: a, stage: received, after: 1h, action: shout}\n", "unknown action"},
	} {
		if _, err := Parse([]byte(tc.doc), false); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want it to name %q", tc.doc, err, tc.want)
		}
	}
}
