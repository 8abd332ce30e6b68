package domain

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// The calendars in force are recorded in their own stream whenever they change (at start,
// when the policy file says something new), so that the history says under which calendar
// each due time was decided, and a KPI computed again from the events can count business
// time with the calendar of the day, not today's.

// TypeCalendarsInForce is the stored type of CalendarsInForce.
const TypeCalendarsInForce = "CalendarsInForce"

// CalendarsInForce is the whole set of calendars and business-time rules from now on.
// Digest (SHA-256 of the calendars and rules as JSON, calendars by name) tells a change.
type CalendarsInForce struct {
	Calendars    []CalendarSpec `json:"calendars"`
	BusinessTime []CalendarRule `json:"business_time"`
	Digest       string         `json:"digest"`
}

func (CalendarsInForce) EventType() string { return TypeCalendarsInForce }

// InForce is the policy's calendars and rules as the stream records them.
func (p SLAPolicy) InForce() CalendarsInForce {
	names := make([]string, 0, len(p.Calendars))
	for name := range p.Calendars {
		names = append(names, name)
	}
	slices.Sort(names)
	e := CalendarsInForce{Calendars: []CalendarSpec{}, BusinessTime: slices.Clone(p.BusinessTime)}
	for _, name := range names {
		e.Calendars = append(e.Calendars, p.Calendars[name].Spec())
	}
	if e.BusinessTime == nil {
		e.BusinessTime = []CalendarRule{}
	}
	b, _ := json.Marshal(struct {
		C []CalendarSpec `json:"c"`
		B []CalendarRule `json:"b"`
	}{e.Calendars, e.BusinessTime}) // maps marshal with sorted keys: the digest is stable
	sum := sha256.Sum256(b)
	e.Digest = hex.EncodeToString(sum[:])
	return e
}

// CalendarRecordState is the calendar stream folded: the set last recorded.
type CalendarRecordState struct {
	Version int64            `json:"version"`
	Last    CalendarsInForce `json:"last"`
}

// CalendarRecord is the aggregate of the calendar stream.
type CalendarRecord struct{ s CalendarRecordState }

// NewCalendarRecord is the stream before its first event.
func NewCalendarRecord() *CalendarRecord { return &CalendarRecord{s: CalendarRecordState{Version: -1}} }

// RestoreCalendarRecord continues from a state.
func RestoreCalendarRecord(s CalendarRecordState) *CalendarRecord { return &CalendarRecord{s: s} }

// State returns a copy of the state.
func (r *CalendarRecord) State() CalendarRecordState { return r.s }

// Apply folds one event.
func (r *CalendarRecord) Apply(e Event) {
	r.s.Version++
	if c, ok := e.(CalendarsInForce); ok {
		r.s.Last = c
	}
}

// Record yields CalendarsInForce when the policy's calendars differ from the last recorded
// (the first time, when the policy has any calendar); the same set again records nothing,
// so every process starting with the same file, and a restart, leave one event.
func (r *CalendarRecord) Record(p SLAPolicy) []Event {
	now := p.InForce()
	if now.Digest == r.s.Last.Digest || (r.s.Version < 0 && len(now.Calendars) == 0 && len(now.BusinessTime) == 0) {
		return nil
	}
	return []Event{now}
}

// DecodeCalendarEvent decodes a stored event of the calendar stream.
func DecodeCalendarEvent(eventType string, data []byte) (Event, error) {
	if eventType != TypeCalendarsInForce {
		return nil, fmt.Errorf("%w: unknown calendar event type %q", ErrInvalid, eventType)
	}
	var e CalendarsInForce
	dec := json.NewDecoder(strings.NewReader(string(data)))
	if err := dec.Decode(&e); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrInvalid, eventType, err)
	}
	return e, nil
}
