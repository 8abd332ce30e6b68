package domain

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// Shifts and rosters (docs/SLA-CLOCKS.md, "Shifts"). An agent's roster says when the
// agent works, in the agent's own time zone: weekly spans per weekday, and dated entries
// that replace the weekly spans of one date (an empty entry is a day off). A span whose
// end is at or before its start runs past midnight into the next day. The shifts an
// interval holds are worked out in the zone with time.Date, so a shift keeps its wall
// clock hours across a daylight-saving change.

// Stored type names of the roster events.
const (
	TypeAgentRosterSet        = "AgentRosterSet"
	TypeAgentShiftStarted     = "AgentShiftStarted"
	TypeAgentShiftEnded       = "AgentShiftEnded"
	maxRosterSpansPerDay      = 8
	maxRosterDates            = 400
	minutesPerDay             = 24 * 60
	minutesPerWeek            = 7 * minutesPerDay
	rosterDateLayout          = "2006-01-02"
	rosterLookBack            = 8 * 24 * time.Hour // a shift starts at most a day before its date
	DefaultShiftMarginMinutes = 15
)

// Weekday keys of a weekly roster, Sunday first as time.Weekday counts.
var rosterWeekdays = [7]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// RosterSpan is one working span of a day, in "HH:MM" wall-clock time ("24:00" may end one).
type RosterSpan struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

// Roster is an agent's working time: Weekly by weekday key (mon…sun), Dates by
// YYYY-MM-DD replacing the weekly spans of that date.
type Roster struct {
	Weekly map[string][]RosterSpan `json:"weekly,omitempty"`
	Dates  map[string][]RosterSpan `json:"dates,omitempty"`
}

// Empty reports whether the roster names no working time and no dates.
func (r Roster) Empty() bool { return len(r.Weekly) == 0 && len(r.Dates) == 0 }

// Shift is one worked span in absolute time.
type Shift struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// AgentRosterSet records the agent's time zone and roster. At is when it was set: shift
// boundaries at or before it are history, not acted on (a roster set at 20:00 does not
// end the 18:00 shift that the agent never had).
type AgentRosterSet struct {
	Timezone string    `json:"timezone"`
	Roster   Roster    `json:"roster"`
	At       time.Time `json:"at"`
}

// AgentShiftStarted records that the agent's shift started at At: presence follows
// (online). One per boundary: the agent refuses a boundary at or before the last.
type AgentShiftStarted struct {
	At  time.Time `json:"at"`
	End time.Time `json:"end"`
}

// AgentShiftEnded records that the agent's shift ended at At: presence follows (offline).
type AgentShiftEnded struct {
	At time.Time `json:"at"`
}

func (AgentRosterSet) EventType() string    { return TypeAgentRosterSet }
func (AgentShiftStarted) EventType() string { return TypeAgentShiftStarted }
func (AgentShiftEnded) EventType() string   { return TypeAgentShiftEnded }

func decodeRosterEvent(eventType string, data []byte) (Event, bool, error) {
	var e Event
	switch eventType {
	case TypeAgentRosterSet:
		e = decodeInto[AgentRosterSet](data)
	case TypeAgentShiftStarted:
		e = decodeInto[AgentShiftStarted](data)
	case TypeAgentShiftEnded:
		e = decodeInto[AgentShiftEnded](data)
	default:
		return nil, false, nil
	}
	if d, ok := e.(decodeFailure); ok {
		return nil, true, fmt.Errorf("%w: %s data: %v", ErrInvalid, eventType, d.err)
	}
	return e, true, nil
}

func (a *Agent) applyRoster(e Event) bool {
	switch e := e.(type) {
	case AgentRosterSet:
		a.s.Timezone, a.s.Roster = e.Timezone, e.Roster
		if e.At.After(a.s.ShiftBoundary) {
			a.s.ShiftBoundary = e.At
		}
	case AgentShiftStarted:
		a.s.ShiftBoundary, a.s.Online = e.At, !a.s.Deactivated
	case AgentShiftEnded:
		a.s.ShiftBoundary, a.s.Online = e.At, false
	default:
		return false
	}
	return true
}

// SetRoster validates the zone and roster and records them at now; no event when nothing
// changes. An empty zone keeps the current one (UTC when none was ever set).
func (a *Agent) SetRoster(timezone *string, roster *Roster, now time.Time) ([]Event, error) {
	if !a.Exists() || a.s.RoleOf() != RoleAgent {
		return nil, ErrNotFound
	}
	tz, r := a.s.Timezone, a.s.Roster
	set(&tz, timezone)
	set(&r, roster)
	if tz == "" {
		tz = "UTC"
	}
	var v validator
	_, zerr := loadRosterZone(tz)
	v.check(zerr == nil, "timezone", "must be an IANA time zone name, such as Asia/Shanghai")
	for _, p := range r.problems() {
		v.check(false, "roster", p)
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	if tz == a.s.Timezone && sameRoster(r, a.s.Roster) {
		return nil, nil
	}
	return []Event{AgentRosterSet{Timezone: tz, Roster: r, At: now.UTC()}}, nil
}

// PassShiftBoundary records the boundary at (a shift's start when starting, with the
// shift's end, else its end). Nothing when the boundary was acted on already (at or
// before the last one recorded, or before the roster was set), so every process may try.
func (a *Agent) PassShiftBoundary(at time.Time, starting bool, end time.Time) ([]Event, error) {
	if !a.Exists() || a.s.RoleOf() != RoleAgent {
		return nil, ErrNotFound
	}
	if !at.After(a.s.ShiftBoundary) || a.s.Deactivated {
		return nil, nil
	}
	if starting {
		return []Event{AgentShiftStarted{At: at.UTC(), End: end.UTC()}}, nil
	}
	return []Event{AgentShiftEnded{At: at.UTC()}}, nil
}

// rosterZones caches the zones loaded: routing asks for every rostered agent's shift on
// every pick, and time.LoadLocation reads the zone's file each time.
var rosterZones sync.Map // name → *time.Location

func loadRosterZone(name string) (*time.Location, error) {
	if name == "" || strings.EqualFold(name, "local") {
		return nil, fmt.Errorf("%w: no time zone", ErrInvalid)
	}
	if loc, ok := rosterZones.Load(name); ok {
		return loc.(*time.Location), nil
	}
	loc, err := time.LoadLocation(name)
	if err == nil {
		rosterZones.Store(name, loc)
	}
	return loc, err
}

// ShiftsOf are the agent's shifts overlapping [from, to), merged where they touch, in
// order; none without a roster or with a zone that no longer loads.
func ShiftsOf(s AgentState, from, to time.Time) []Shift {
	if s.Roster.Empty() || !from.Before(to) {
		return nil
	}
	loc, err := loadRosterZone(s.Timezone)
	if err != nil {
		return nil
	}
	return s.Roster.shifts(loc, from, to)
}

// CurrentShift is the shift holding now (start ≤ now < end), if any.
func CurrentShift(s AgentState, now time.Time) (Shift, bool) {
	// Look as far ahead as back: spans that touch merge, so a shift's end is known only
	// once the spans after it are (an agent rostered around the clock has no end at midnight).
	for _, sh := range ShiftsOf(s, now.Add(-rosterLookBack), now.Add(rosterLookBack)) {
		if !sh.Start.After(now) && now.Before(sh.End) {
			return sh, true
		}
	}
	return Shift{}, false
}

// ShiftEndsWithin reports whether the agent is on a rostered shift that ends within
// margin of now: routing gives such an agent no new ticket.
func ShiftEndsWithin(s AgentState, now time.Time, margin time.Duration) bool {
	sh, ok := CurrentShift(s, now)
	return ok && sh.End.Sub(now) <= margin
}

// LastShiftBoundary is the newest shift start or end at or before now, whether it is a
// start, and the shift it belongs to; ok is false when the roster had none in the
// look-back window (six days).
func LastShiftBoundary(s AgentState, now time.Time) (at time.Time, starting bool, shift Shift, ok bool) {
	// The first shift worked out may have begun before the window (touching spans merge
	// only within it): its start is no boundary unless well inside the window.
	oldest := now.Add(-rosterLookBack + 2*24*time.Hour)
	for _, sh := range ShiftsOf(s, now.Add(-rosterLookBack), now.Add(time.Minute)) {
		if !sh.End.After(now) && sh.End.After(at) {
			at, starting, shift, ok = sh.End, false, sh, true
		}
		if !sh.Start.After(now) && sh.Start.After(at) && !sh.Start.Before(oldest) {
			at, starting, shift, ok = sh.Start, true, sh, true
		}
	}
	return at, starting, shift, ok
}

func (r Roster) shifts(loc *time.Location, from, to time.Time) []Shift {
	var out []Shift
	// A span may start the day before from (across midnight): begin a day early.
	d := from.In(loc).AddDate(0, 0, -1)
	day := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc)
	for ; day.Before(to); day = day.AddDate(0, 0, 1) {
		for _, sp := range r.spansOn(day) {
			s, e, _ := spanMinutes(sp)
			start := time.Date(day.Year(), day.Month(), day.Day(), s/60, s%60, 0, 0, loc)
			end := time.Date(day.Year(), day.Month(), day.Day(), e/60, e%60, 0, 0, loc)
			if e <= s {
				end = time.Date(day.Year(), day.Month(), day.Day()+1, e/60, e%60, 0, 0, loc)
			}
			if end.After(from) && start.Before(to) && end.After(start) {
				out = append(out, Shift{Start: start.UTC(), End: end.UTC()})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Start.Before(out[j].Start) })
	merged := out[:0]
	for _, sh := range out {
		if n := len(merged); n > 0 && !sh.Start.After(merged[n-1].End) {
			if sh.End.After(merged[n-1].End) {
				merged[n-1].End = sh.End
			}
			continue
		}
		merged = append(merged, sh)
	}
	return merged
}

func (r Roster) spansOn(day time.Time) []RosterSpan {
	if spans, ok := r.Dates[day.Format(rosterDateLayout)]; ok {
		return spans
	}
	return r.Weekly[rosterWeekdays[day.Weekday()]]
}

// problems lists what is wrong with the roster, in words for the caller.
func (r Roster) problems() []string {
	var out []string
	week := make([][2]int, 0, 16)
	for key, spans := range r.Weekly {
		i := slices.Index(rosterWeekdays[:], key)
		if i < 0 {
			out = append(out, fmt.Sprintf("weekly key %q is not one of sun, mon, tue, wed, thu, fri, sat", key))
			continue
		}
		ranges, bad := dayRanges(spans)
		out = append(out, prefixed("weekly."+key, bad)...)
		for _, rg := range ranges {
			week = append(week, [2]int{rg[0] + i*minutesPerDay, rg[1] + i*minutesPerDay})
		}
	}
	if overlapping(week, minutesPerWeek) {
		out = append(out, "weekly spans overlap")
	}
	if len(r.Dates) > maxRosterDates {
		out = append(out, fmt.Sprintf("at most %d dates", maxRosterDates))
	}
	for date, spans := range r.Dates {
		if _, err := time.Parse(rosterDateLayout, date); err != nil {
			out = append(out, fmt.Sprintf("date %q is not YYYY-MM-DD", date))
			continue
		}
		ranges, bad := dayRanges(spans)
		out = append(out, prefixed("dates."+date, bad)...)
		if overlapping(ranges, 0) {
			out = append(out, fmt.Sprintf("dates.%s: spans overlap", date))
		}
	}
	sort.Strings(out)
	return out
}

func prefixed(where string, msgs []string) []string {
	for i, m := range msgs {
		msgs[i] = where + ": " + m
	}
	return msgs
}

// dayRanges turns a day's spans into minute ranges from that day's midnight (an end past
// midnight is above minutesPerDay), with what is wrong with them.
func dayRanges(spans []RosterSpan) ([][2]int, []string) {
	var bad []string
	if len(spans) > maxRosterSpansPerDay {
		bad = append(bad, fmt.Sprintf("at most %d spans a day", maxRosterSpansPerDay))
	}
	var out [][2]int
	for _, sp := range spans {
		s, e, ok := spanMinutes(sp)
		switch {
		case !ok:
			bad = append(bad, fmt.Sprintf("span %q–%q: times are HH:MM from 00:00 to 24:00", sp.Start, sp.End))
		case s == e:
			bad = append(bad, fmt.Sprintf("span %q–%q is empty", sp.Start, sp.End))
		case e < s:
			out = append(out, [2]int{s, e + minutesPerDay})
		default:
			out = append(out, [2]int{s, e})
		}
	}
	return out, bad
}

// overlapping reports whether any two ranges share a minute; with a period, ranges wrap
// around it (the week's end runs into its start).
func overlapping(ranges [][2]int, period int) bool {
	var all [][2]int
	for _, r := range ranges {
		all = append(all, r)
		if period > 0 && r[1] > period {
			all = append(all, [2]int{r[0] - period, r[1] - period})
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i][0] < all[j][0] })
	for i := 1; i < len(all); i++ {
		if all[i][0] < all[i-1][1] {
			return true
		}
	}
	return false
}

// spanMinutes parses a span's times as minutes from midnight; "24:00" only ends a span.
func spanMinutes(sp RosterSpan) (start, end int, ok bool) {
	s, ok1 := clockMinutes(sp.Start)
	e, ok2 := clockMinutes(sp.End)
	if !ok1 || !ok2 || s == minutesPerDay {
		return 0, 0, false
	}
	if e == minutesPerDay {
		e = 0 // midnight of the next day: handled as a span across midnight
		if s == 0 {
			return 0, minutesPerDay, true
		}
	}
	return s, e, true
}

func clockMinutes(v string) (int, bool) {
	if len(v) != 5 || v[2] != ':' {
		return 0, false
	}
	h, m := 0, 0
	for _, c := range v[:2] + v[3:] {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	h = int(v[0]-'0')*10 + int(v[1]-'0')
	m = int(v[3]-'0')*10 + int(v[4]-'0')
	if m > 59 || h > 24 || (h == 24 && m != 0) {
		return 0, false
	}
	return h*60 + m, true
}

func sameRoster(a, b Roster) bool {
	return fmt.Sprint(normalRoster(a)) == fmt.Sprint(normalRoster(b))
}

// normalRoster drops empty weekly days (they say the same as an absent day).
func normalRoster(r Roster) Roster {
	out := Roster{Dates: r.Dates}
	for k, v := range r.Weekly {
		if len(v) > 0 {
			if out.Weekly == nil {
				out.Weekly = map[string][]RosterSpan{}
			}
			out.Weekly[k] = v
		}
	}
	return out
}
