package command_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/adapters/eventstore/memstore"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/application/eventstoretest"
	"github.com/ticketengine/ticketengine/domain"
)

// The calendars in force are recorded once per change: by the first of several processes
// starting together, not again on a restart with the same file, again when it changes.
func TestCalendarsInForceAreRecordedOncePerChange(t *testing.T) {
	ctx := context.Background()
	store := memstore.New()
	clock := eventstoretest.NewClock(time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC))
	meta := command.CommandMeta{Actor: command.SystemActor}
	cal, _ := chinaCalendar(t)
	p := domain.DefaultSLAPolicy()
	if rec, err := command.NewRecordCalendarsHandler(store, clock, p).Handle(ctx, meta); err != nil || rec {
		t.Fatalf("24×7 only, nothing ever recorded: recorded %v, %v", rec, err)
	}
	p.Calendars = map[string]*domain.Calendar{cal.Name: cal}
	p.BusinessTime = []domain.CalendarRule{{Team: "support", Calendar: cal.Name}}
	var wg sync.WaitGroup
	for range 4 { // four processes start at once
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := command.NewRecordCalendarsHandler(store, clock, p).Handle(ctx, meta); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n := streamLen(t, store); n != 1 {
		t.Fatalf("%d events after four starts, want 1", n)
	}
	if rec, _ := command.NewRecordCalendarsHandler(store, clock, p).Handle(ctx, meta); rec {
		t.Fatal("a restart with the same calendars recorded again")
	}
	p.BusinessTime = append(p.BusinessTime, domain.CalendarRule{Team: "billing", Calendar: cal.Name})
	if rec, err := command.NewRecordCalendarsHandler(store, clock, p).Handle(ctx, meta); err != nil || !rec {
		t.Fatalf("a changed rule was not recorded: %v %v", rec, err)
	}
	got, err := command.LoadCalendarsInForce(ctx, store)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.BusinessTime) != 2 || len(got.Calendars) != 1 || got.Calendars[0].Holidays[0] != "2025-10-01" || got.Digest != p.InForce().Digest {
		t.Fatalf("in force: %+v", got)
	}
}

func streamLen(t *testing.T, store eventlog.EventStore) int {
	t.Helper()
	recs, err := store.ReadStream(context.Background(), eventlog.CalendarStream)
	if err != nil {
		t.Fatal(err)
	}
	return len(recs)
}
