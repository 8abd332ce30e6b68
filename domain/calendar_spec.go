package domain

import (
	"fmt"
	"strings"
	"time"
)

// CalendarSpec is a calendar as the policy file writes it and the calendar stream records
// it: plain strings, so that the recorded event needs nothing but JSON to be read again.
type CalendarSpec struct {
	Name     string `json:"name"`
	TimeZone string `json:"time_zone"`
	// Hours maps a weekday (mon … sun) to its spans, "09:00-18:00"; an end not after the
	// start runs into the next day ("22:00-06:00"), and "00:00-24:00" is the whole day.
	Hours map[string][]string `json:"hours"`
	// Holidays are local dates (2026-10-01) without working time.
	Holidays []string `json:"holidays,omitempty"`
	// MakeUpDays are dates worked although their weekday is free (调休).
	MakeUpDays []MakeUpDay `json:"make_up_days,omitempty"`
}

// MakeUpDay is a date worked with the hours of another weekday (WorksAs, default mon).
type MakeUpDay struct {
	Date    string `json:"date"`
	WorksAs string `json:"works_as,omitempty"`
}

// Date is a local calendar date, without a zone.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf is the date of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// ParseDate reads 2006-01-02.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
	if err != nil {
		return Date{}, fmt.Errorf("%q is not a date such as 2026-10-01", s)
	}
	return DateOf(t), nil
}

// String writes 2006-01-02.
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

// AddDays is the date n days later (earlier for negative n).
func (d Date) AddDays(n int) Date {
	return DateOf(time.Date(d.Year, d.Month, d.Day+n, 12, 0, 0, 0, time.UTC))
}

// Weekday is the date's day of the week.
func (d Date) Weekday() time.Weekday {
	return time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC).Weekday()
}

var weekdayNames = map[string]time.Weekday{
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
}

func weekdayNamed(s string) (time.Weekday, bool) {
	wd, ok := weekdayNames[strings.ToLower(strings.TrimSpace(s))]
	return wd, ok
}

// ParseWorkSpan reads "09:00-18:00"; an end not after the start is on the next day
// ("22:00-06:00" is 8 hours), and "24:00" is the end of the day.
func ParseWorkSpan(s string) (WorkSpan, error) {
	from, to, ok := strings.Cut(strings.TrimSpace(s), "-")
	if !ok {
		return WorkSpan{}, fmt.Errorf("%q is not a span such as 09:00-18:00", s)
	}
	start, err1 := minuteOfDay(from)
	end, err2 := minuteOfDay(to)
	if err1 != nil || err2 != nil || start == 24*60 {
		return WorkSpan{}, fmt.Errorf("%q is not a span such as 09:00-18:00 (times 00:00 to 24:00)", s)
	}
	if end <= start {
		end += 24 * 60
	}
	return WorkSpan{Start: start, End: end}, nil
}

func minuteOfDay(s string) (int, error) {
	var h, m int
	s = strings.TrimSpace(s)
	if len(s) != 5 || s[2] != ':' {
		return 0, fmt.Errorf("bad time %q", s)
	}
	if _, err := fmt.Sscanf(s, "%02d:%02d", &h, &m); err != nil || h > 24 || m > 59 || (h == 24 && m != 0) {
		return 0, fmt.Errorf("bad time %q", s)
	}
	return h*60 + m, nil
}
