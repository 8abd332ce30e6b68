package command_test

import (
	"context"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/adapters/eventstore/memstore"
	"github.com/ticketengine/ticketengine/application/auth"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/application/eventstoretest"
	"github.com/ticketengine/ticketengine/application/query"
	"github.com/ticketengine/ticketengine/domain"
)

// chinaCalendar is a Beijing support desk in autumn 2025: Monday to Friday 09:00–12:00 and
// 13:00–18:00, the National Day and Mid-Autumn holidays from 1 to 8 October, and the two
// make-up working days of that year (Sunday 28 September, Saturday 11 October).
func chinaCalendar(t *testing.T) (*domain.Calendar, *time.Location) {
	t.Helper()
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	day := []string{"09:00-12:00", "13:00-18:00"}
	cal, err := domain.NewCalendar(domain.CalendarSpec{
		Name: "cn-support", TimeZone: "Asia/Shanghai",
		Hours:      map[string][]string{"mon": day, "tue": day, "wed": day, "thu": day, "fri": day},
		Holidays:   []string{"2025-10-01", "2025-10-02", "2025-10-03", "2025-10-04", "2025-10-05", "2025-10-06", "2025-10-07", "2025-10-08"},
		MakeUpDays: []domain.MakeUpDay{{Date: "2025-09-28", WorksAs: "mon"}, {Date: "2025-10-11", WorksAs: "mon"}},
	}, shanghai)
	if err != nil {
		t.Fatal(err)
	}
	return cal, shanghai
}

// A core customer writes on the Friday evening before the holiday week. Core P3 here has
// 2 h to first response and 30 h (business) to resolution, warnings at 80 %.
func TestFridayEveningBeforeTheHolidayWeekUnderAChinaCalendar(t *testing.T) {
	cal, cst := chinaCalendar(t)
	p := domain.DefaultSLAPolicy()
	p.Targets[domain.TierCore][domain.P3] = domain.SLATarget{FirstResponse: 2 * time.Hour, Resolution: 30 * time.Hour}
	p.Calendars = map[string]*domain.Calendar{cal.Name: cal}
	p.BusinessTime = []domain.CalendarRule{{Calendar: cal.Name}}
	at := func(month time.Month, day, hour, minute int) time.Time {
		return time.Date(2025, month, day, hour, minute, 0, 0, cst)
	}
	clock := eventstoretest.NewClock(at(9, 26, 19, 30)) // Friday, after hours
	secrets, err := auth.NewSecrets(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	store := memstore.New()
	c := command.NewCommands(command.Config{Store: store, Clock: clock, Policy: p, Secrets: secrets})
	ctx := context.Background()
	id := receive(t, c, staff).Ticket.ID
	got := state(t, store, id)
	// First response: the make-up Sunday's first two hours. Resolution: Sunday, Monday and
	// Tuesday give 24 h, 1 to 8 October are holidays, Thursday the 9th gives the last 6 h.
	if want := at(9, 28, 11, 0); !got.SLA.FirstResponseDue.Equal(want) {
		t.Fatalf("first response due %v, want %v", got.SLA.FirstResponseDue.In(cst), want)
	}
	if want := at(10, 9, 16, 0); !got.SLA.ResolutionDue.Equal(want) {
		t.Fatalf("resolution due %v, want %v", got.SLA.ResolutionDue.In(cst), want)
	}

	check := func(when time.Time, clockName string) []string {
		clock.Set(when)
		res, err := c.CheckSLA.Handle(ctx, command.CheckSLA{TicketID: id, Clock: clockName}, command.CommandMeta{Actor: command.SystemActor})
		if err != nil {
			t.Fatal(err)
		}
		var types []string
		for _, r := range res.Appended {
			types = append(types, r.Type)
		}
		return types
	}
	// The warning comes when 24 min of business time are left: Sunday 10:36, not at 80 % of
	// the wall-clock time from Friday evening.
	if got := check(at(9, 28, 10, 35), domain.ClockFirstResponse); len(got) != 0 {
		t.Fatalf("Sunday 10:35: %v, want nothing", got)
	}
	if got := check(at(9, 28, 10, 36), domain.ClockFirstResponse); len(got) != 1 || got[0] != domain.TypeSLAWarningIssued {
		t.Fatalf("Sunday 10:36: %v, want a warning", got)
	}
	if got := check(at(9, 28, 11, 0), domain.ClockFirstResponse); len(got) != 0 {
		t.Fatalf("Sunday 11:00 (due, not past): %v", got)
	}
	if got := check(at(9, 28, 11, 1), domain.ClockFirstResponse); len(got) != 2 || got[0] != domain.TypeSLABreached {
		t.Fatalf("Sunday 11:01: %v, want a breach and an escalation", got)
	}

	// Monday 10:00 the agent waits on the customer, who answers on Saturday 4 October, in
	// the holidays. 21 h were left (Monday 7, Tuesday 8, Thursday 6); counted again from
	// the answer: Thursday 9th 8 h, Friday 10th 8 h, the make-up Saturday 11th 09:00–15:00.
	clock.Set(at(9, 29, 10, 0))
	if _, err := c.Wait.Handle(ctx, command.WaitOnCustomer{TicketID: id, Reason: "请提供截图"}, staff); err != nil {
		t.Fatal(err)
	}
	clock.Set(at(10, 4, 10, 0))
	if _, err := c.CustomerReply.Handle(ctx, command.CustomerReply{TicketID: id, Body: "截图在附件"}, staff); err != nil {
		t.Fatal(err)
	}
	if got, want := state(t, store, id).SLA.ResolutionDue, at(10, 11, 15, 0); !got.Equal(want) {
		t.Fatalf("resolution due after the wait %v, want %v", got.In(cst), want)
	}
	if got := check(at(10, 11, 15, 0), domain.ClockResolution); len(got) != 1 || got[0] != domain.TypeSLAWarningIssued {
		t.Fatalf("Saturday 11th 15:00: %v, want the (late) warning only", got)
	}
	if got := check(at(10, 11, 15, 1), domain.ClockResolution); len(got) != 1 || got[0] != domain.TypeSLABreached {
		t.Fatalf("Saturday 11th 15:01: %v, want the breach (already escalated)", got)
	}
}

func state(t *testing.T, store eventlog.EventStore, id uuid.UUID) domain.TicketState {
	t.Helper()
	s, err := query.GetTicket(context.Background(), store, id, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}
