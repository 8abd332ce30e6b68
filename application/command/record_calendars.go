package command

import (
	"context"
	"time"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// calendarFolder folds the calendar stream.
var calendarFolder = folderOf(domain.NewCalendarRecord, domain.RestoreCalendarRecord, domain.DecodeCalendarEvent,
	func(r *domain.CalendarRecord, e domain.Event, _ time.Time) { r.Apply(e) })

// RecordCalendarsHandler records the policy's calendars in the calendar stream when they
// differ from the last recorded (ticketd at start, under its policy file). Several
// processes starting together race on the stream's version; the loser reads the winner's
// event and, finding the same digest, records nothing.
type RecordCalendarsHandler struct {
	s      streams
	policy domain.SLAPolicy
}

// NewRecordCalendarsHandler returns the handler on its ports; it panics when store or clock is nil.
func NewRecordCalendarsHandler(store eventlog.EventStore, clock application.Clock, policy domain.SLAPolicy) RecordCalendarsHandler {
	return RecordCalendarsHandler{s: newStreams("RecordCalendarsHandler", store, clock, nil), policy: policy}
}

// Handle appends CalendarsInForce when the calendars changed; it reports whether it did.
func (h RecordCalendarsHandler) Handle(ctx context.Context, meta CommandMeta) (bool, error) {
	out, err := update(ctx, h.s, eventlog.CalendarStream, meta, calendarFolder, func(r *domain.CalendarRecord, _ time.Time) ([]domain.Event, error) {
		return r.Record(h.policy), nil
	})
	return len(out.Appended) > 0, err
}

// LoadCalendarsInForce reads the calendars last recorded (empty before any).
func LoadCalendarsInForce(ctx context.Context, store eventlog.EventStore) (domain.CalendarsInForce, error) {
	recs, err := store.ReadStream(ctx, eventlog.CalendarStream)
	if err != nil {
		return domain.CalendarsInForce{}, err
	}
	r, err := calendarFolder.fold(recs)
	if err != nil {
		return domain.CalendarsInForce{}, err
	}
	return r.State().Last, nil
}
