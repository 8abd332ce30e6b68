package policyfile

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
	_ "time/tzdata" // calendar zones resolve the same on every machine, with or without zoneinfo

	"github.com/emersion/go-ical"

	"github.com/ticketengine/ticketengine/domain"
)

// calendar is one entry of `calendars:`; its name is the map key.
type calendar struct {
	TimeZone     string              `yaml:"time_zone" json:"time_zone"`
	Hours        map[string][]string `yaml:"hours" json:"hours"`
	Holidays     []string            `yaml:"holidays" json:"holidays"`
	HolidaysICal []string            `yaml:"holidays_ical" json:"holidays_ical"`
	MakeUpDays   []makeUpDay         `yaml:"make_up_days" json:"make_up_days"`
}

type makeUpDay struct {
	Date    string `yaml:"date" json:"date"`
	WorksAs string `yaml:"works_as" json:"works_as"`
}

// businessRule is one entry of `business_time:`.
type businessRule struct {
	Team     string      `yaml:"team" json:"team"`
	Tier     domain.Tier `yaml:"tier" json:"tier"`
	Calendar string      `yaml:"calendar" json:"calendar"`
}

// overlayCalendars builds the file's calendars (holidays from iCalendar files read relative
// to dir, the policy file's folder) and its business-time rules.
func (f file) overlayCalendars(p *domain.SLAPolicy, dir string) error {
	if len(f.Calendars) > 0 {
		p.Calendars = map[string]*domain.Calendar{}
	}
	for name, c := range f.Calendars {
		spec, err := c.spec(name, dir)
		if err != nil {
			return err
		}
		loc, err := time.LoadLocation(spec.TimeZone)
		if err != nil || spec.TimeZone == "" || strings.EqualFold(spec.TimeZone, "local") {
			return fmt.Errorf("%w: calendars.%s.time_zone: %q is not an IANA time zone such as Asia/Shanghai", domain.ErrInvalid, name, spec.TimeZone)
		}
		cal, err := domain.NewCalendar(spec, loc)
		if err != nil {
			return err
		}
		p.Calendars[name] = cal
	}
	for _, r := range f.BusinessTime {
		p.BusinessTime = append(p.BusinessTime, domain.CalendarRule{Team: strings.TrimSpace(r.Team), Tier: r.Tier, Calendar: r.Calendar})
	}
	return nil
}

// spec gathers the calendar's definition: the listed holidays and those of its iCalendar
// files, sorted and once each, so that the recorded calendar (and its change) does not
// depend on the order in which they were written.
func (c calendar) spec(name, dir string) (domain.CalendarSpec, error) {
	spec := domain.CalendarSpec{Name: name, TimeZone: c.TimeZone, Hours: c.Hours}
	holidays := slices.Clone(c.Holidays)
	for _, path := range c.HolidaysICal {
		if !filepath.IsAbs(path) {
			path = filepath.Join(dir, path)
		}
		dates, err := icalDates(path)
		if err != nil {
			return spec, fmt.Errorf("%w: calendars.%s.holidays_ical: %v", domain.ErrInvalid, name, err)
		}
		holidays = append(holidays, dates...)
	}
	slices.Sort(holidays)
	spec.Holidays = slices.Compact(holidays)
	for _, m := range c.MakeUpDays {
		spec.MakeUpDays = append(spec.MakeUpDays, domain.MakeUpDay{Date: m.Date, WorksAs: m.WorksAs})
	}
	return spec, nil
}

// icalDates reads the dates an iCalendar file's events cover: an all-day event from its
// DTSTART to the day before its DTEND (exclusive, as RFC 5545 says), or its one day.
// iCalendar has no marker for a make-up working day; those are listed in the policy file.
func icalDates(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	cal, err := ical.NewDecoder(f).Decode()
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	var dates []string
	for _, e := range cal.Events() {
		start, err := e.DateTimeStart(time.UTC)
		if err != nil {
			return nil, fmt.Errorf("%s: DTSTART: %v", path, err)
		}
		end, err := e.DateTimeEnd(time.UTC)
		if err != nil {
			return nil, fmt.Errorf("%s: DTEND: %v", path, err)
		}
		first := domain.DateOf(start)
		last := domain.DateOf(end.Add(-time.Nanosecond))
		if end.Sub(start) > 366*24*time.Hour {
			return nil, fmt.Errorf("%s: an event of more than a year from %s", path, first)
		}
		for d := first; d.String() <= last.String(); d = d.AddDays(1) {
			dates = append(dates, d.String())
		}
		if last.String() < first.String() {
			dates = append(dates, first.String())
		}
	}
	return dates, nil
}
