package service_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/cmd/internal/service"
	"github.com/ticketengine/ticketengine/cmd/internal/service/servicetest"
	"github.com/ticketengine/ticketengine/domain"
)

// A calendar that works 00:00–01:00 UTC every day: a ticket's 1 h first response target
// (standard P3 set to 1h/2h) ends inside such an hour, a day or so after receipt.
const calendarPolicyYAML = `
targets:
  standard:
    P3: {first_response: 1h, resolution: 2h}
calendars:
  night-hour:
    time_zone: UTC
    hours: {mon: ["00:00-01:00"], tue: ["00:00-01:00"], wed: ["00:00-01:00"], thu: ["00:00-01:00"], fri: ["00:00-01:00"], sat: ["00:00-01:00"], sun: ["00:00-01:00"]}
business_time:
  - {calendar: night-hour}
stages:
  - {name: waiting_reminder, stage: waiting, after: 48h, action: remind_customer}
`

// The whole service with calendars: due times under the calendar, and the calendars in
// force recorded once in their stream across a restart.
func TestServiceDecidesUnderThePolicyFileCalendarAndRecordsItOnce(t *testing.T) {
	dir := t.TempDir()
	policyFile := filepath.Join(dir, "policy.yaml")
	if err := os.WriteFile(policyFile, []byte(calendarPolicyYAML), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := service.Config{Data: filepath.Join(dir, "data"), SLAPolicy: policyFile}
	svc, stop := servicetest.RunService(t, cfg)
	ctx := context.Background()
	res, err := svc.Commands.Receive.Handle(ctx, command.ReceiveTicket{Channel: domain.ChannelWeb, Subject: "夜间工单",
		Customer: domain.Customer{Name: "王芳", Email: "wang@example.com", Tier: domain.TierStandard, Language: "zh"}}, command.CommandMeta{Actor: "admin"})
	if err != nil {
		t.Fatal(err)
	}
	// Under 24×7 the due would be one hour after receipt; under the calendar one hour of
	// working time takes longer (unless received at 00:00:00 sharp) and ends inside an
	// 00:00–01:00 hour.
	created, due := res.Ticket.CreatedAt, res.Ticket.SLA.FirstResponseDue.UTC()
	inHour := due.Hour() == 0 || (due.Hour() == 1 && due.Minute() == 0 && due.Second() == 0 && due.Nanosecond() == 0)
	if !inHour || !due.After(created.Add(time.Hour)) || due.After(created.Add(26*time.Hour)) {
		t.Fatalf("first response due %v for a ticket received %v: not under the one-hour calendar", due, created)
	}
	stop()
	svc2, _ := servicetest.RunService(t, cfg)
	recs, err := svc2.Store.ReadStream(ctx, eventlog.CalendarStream)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1 || recs[0].Type != domain.TypeCalendarsInForce {
		t.Fatalf("calendar stream %d records, want one CalendarsInForce", len(recs))
	}
}
