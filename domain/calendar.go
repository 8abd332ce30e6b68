package domain

import (
	"fmt"
	"slices"
	"time"
)

// A Calendar says when a team works: weekly hours in a time zone, holidays on which nobody
// works, and make-up working days (法定节假日与调休: a Saturday worked in exchange for a
// holiday's bridge day). SLA clocks under a calendar count only its working time.
//
// The working time of a local date D is the union of the intervals
// [time.Date(D, span.Start), time.Date(D, span.End)) of that date's spans, in the calendar's
// zone, with minutes past 24:00 running into the next day (a night shift 22:00–06:00 is one
// span of D). Go's time.Date resolves the wall times a DST change skips or repeats; a span
// therefore lasts its real length on such a day (an hour less, or more). A holiday takes a
// date's spans away (the night shift that starts on it too); a make-up day gives a date the
// spans of another weekday. The business time between two instants is the measure of that
// union between them; AddBusiness finds the earliest instant at which a given measure is
// reached. docs/SLA-CLOCKS.md has worked examples; domain/calendar_property_test.go checks
// both against a minute-by-minute count.
type Calendar struct {
	Name     string
	loc      *time.Location
	week     [7][]WorkSpan
	holidays map[Date]bool
	makeUp   map[Date]time.Weekday
	spec     CalendarSpec
}

// WorkSpan is working time within a date, in minutes after local midnight; End is after
// Start and at most 24 hours later (48:00 at the latest), so a span may cross midnight.
type WorkSpan struct{ Start, End int }

// maxSearchDays bounds the walk through a calendar: a valid calendar has working time every
// week, so only years of holidays could make it run this far.
const maxSearchDays = 3 * 366

// NewCalendar checks the spec and builds its calendar in loc, the zone named by
// spec.TimeZone (the adapter loads it: the domain reads no files).
func NewCalendar(spec CalendarSpec, loc *time.Location) (*Calendar, error) {
	if loc == nil {
		return nil, fmt.Errorf("%w: calendar %q: time zone %q not loaded", ErrInvalid, spec.Name, spec.TimeZone)
	}
	c := &Calendar{Name: spec.Name, loc: loc, holidays: map[Date]bool{}, makeUp: map[Date]time.Weekday{}, spec: spec}
	if spec.Name == "" {
		return nil, fmt.Errorf("%w: a calendar needs a name", ErrInvalid)
	}
	any := false
	for day, spans := range spec.Hours {
		wd, ok := weekdayNamed(day)
		if !ok {
			return nil, fmt.Errorf("%w: calendar %q: hours: unknown day %q (mon, tue, wed, thu, fri, sat, sun)", ErrInvalid, spec.Name, day)
		}
		for _, s := range spans {
			span, err := ParseWorkSpan(s)
			if err != nil {
				return nil, fmt.Errorf("%w: calendar %q: hours.%s: %v", ErrInvalid, spec.Name, day, err)
			}
			c.week[wd] = append(c.week[wd], span)
			any = true
		}
		slices.SortFunc(c.week[wd], func(a, b WorkSpan) int { return a.Start - b.Start })
	}
	if !any {
		return nil, fmt.Errorf("%w: calendar %q: hours: no working time in the week", ErrInvalid, spec.Name)
	}
	for _, h := range spec.Holidays {
		d, err := ParseDate(h)
		if err != nil {
			return nil, fmt.Errorf("%w: calendar %q: holidays: %v", ErrInvalid, spec.Name, err)
		}
		c.holidays[d] = true
	}
	for _, m := range spec.MakeUpDays {
		d, err := ParseDate(m.Date)
		if err != nil {
			return nil, fmt.Errorf("%w: calendar %q: make_up_days: %v", ErrInvalid, spec.Name, err)
		}
		like := m.WorksAs
		if like == "" {
			like = "mon"
		}
		wd, ok := weekdayNamed(like)
		if !ok {
			return nil, fmt.Errorf("%w: calendar %q: make_up_days %s: works_as: unknown day %q", ErrInvalid, spec.Name, m.Date, like)
		}
		if c.holidays[d] {
			return nil, fmt.Errorf("%w: calendar %q: %s is both a holiday and a make-up day", ErrInvalid, spec.Name, m.Date)
		}
		c.makeUp[d] = wd
	}
	return c, nil
}

// Spec is the definition the calendar was built from (what the calendar stream records).
func (c *Calendar) Spec() CalendarSpec { return c.spec }

// Location is the calendar's time zone.
func (c *Calendar) Location() *time.Location { return c.loc }

// SpansOn are the working spans of a local date: none on a holiday, another weekday's on a
// make-up day, else its weekday's.
func (c *Calendar) SpansOn(d Date) []WorkSpan {
	if c.holidays[d] {
		return nil
	}
	if wd, ok := c.makeUp[d]; ok {
		return c.week[wd]
	}
	return c.week[d.Weekday()]
}

// interval is one span of one date as instants.
func (c *Calendar) interval(d Date, s WorkSpan) (time.Time, time.Time) {
	return time.Date(d.Year, d.Month, d.Day, 0, s.Start, 0, 0, c.loc), time.Date(d.Year, d.Month, d.Day, 0, s.End, 0, 0, c.loc)
}

// walk visits the working intervals from the date before from's local date onwards (a
// span of the day before may still run), in order, until visit returns false. The cursor
// makes overlapping spans (a night shift running into the next morning's) count once:
// visit sees only the part of each interval after everything visited before it.
func (c *Calendar) walk(from time.Time, visit func(a, b time.Time) bool) {
	d := DateOf(from.In(c.loc)).AddDays(-1)
	cursor := from
	for range maxSearchDays {
		for _, s := range c.SpansOn(d) {
			a, b := c.interval(d, s)
			if a.Before(cursor) {
				a = cursor
			}
			if !b.After(a) {
				continue
			}
			if !visit(a, b) {
				return
			}
			cursor = b
		}
		d = d.AddDays(1)
	}
}

// AddBusiness is the earliest instant at which d of working time has passed since start
// (start itself for d ≤ 0).
func (c *Calendar) AddBusiness(start time.Time, d time.Duration) time.Time {
	if d <= 0 {
		return start
	}
	due := start
	left := d
	c.walk(start, func(a, b time.Time) bool {
		if span := b.Sub(a); span < left {
			left -= span
			due = b
			return true
		}
		due = a.Add(left)
		left = 0
		return false
	})
	if left > 0 {
		return start.Add(maxSearchDays * 24 * time.Hour) // only a calendar of years of holidays
	}
	return due
}

// Business is the working time between from and to (zero when to is not after from).
func (c *Calendar) Business(from, to time.Time) time.Duration {
	var sum time.Duration
	if !to.After(from) {
		return 0
	}
	c.walk(from, func(a, b time.Time) bool {
		if !a.Before(to) {
			return false
		}
		if b.After(to) {
			b = to
		}
		sum += b.Sub(a)
		return true
	})
	return sum
}

// Working reports whether the instant is in the calendar's working time.
func (c *Calendar) Working(at time.Time) bool {
	return c.Business(at, at.Add(time.Nanosecond)) > 0
}
