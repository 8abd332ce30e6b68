package shifts_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/cmd/internal/service"
	"github.com/ticketengine/ticketengine/cmd/internal/service/servicetest"
	"github.com/ticketengine/ticketengine/domain"
)

// Two ticketd on one PostgreSQL store: a one-minute shift starts and ends once each, on
// the wall clock (the roster's times are whole minutes: the test waits for the next one
// to start the shift, so it takes one to two minutes).
func TestShiftBoundaryOnceAcrossTwoServicesOnPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for whole minutes on the wall clock")
	}
	dsn := servicetest.FreshPostgresSchema(t)
	dir := t.TempDir()
	node := func(name string) *service.Service {
		cfg := service.Config{EventStore: dsn, Data: filepath.Join(dir, name), LeaseTTL: time.Second,
			SecretKey: strings.Repeat("5e", 32), AdminToken: "adm_two_nodes_0123456789"}
		cfg.Policies.Shifts.Every = 100 * time.Millisecond
		svc, _ := servicetest.RunService(t, cfg)
		return svc
	}
	a, b := node("a"), node("b")
	ctx := context.Background()
	admin := command.CommandMeta{Actor: "admin"}
	reg, err := a.Commands.RegisterAgent.Handle(ctx, command.RegisterAgent{Name: "Wang", Email: "wang@example.com", Capacity: 3}, admin)
	if err != nil {
		t.Fatal(err)
	}
	id := reg.Agent.ID
	start := time.Now().UTC().Truncate(time.Minute).Add(time.Minute)
	end := start.Add(time.Minute)
	tz := "UTC"
	roster := domain.Roster{Dates: map[string][]domain.RosterSpan{start.Format(time.DateOnly): {{Start: start.Format("15:04"), End: end.Format("15:04")}}}}
	if end.Day() != start.Day() { // the shift runs past midnight: 23:59–00:00
		roster = domain.Roster{Dates: map[string][]domain.RosterSpan{start.Format(time.DateOnly): {{Start: "23:59", End: "24:00"}}}}
	}
	if _, _, err := b.Commands.ChangeProfile.Handle(ctx, command.ChangeAgentProfile{AgentID: id, Timezone: &tz, Roster: &roster}, admin); err != nil {
		t.Fatal(err)
	}
	types := func() map[string]int {
		recs, err := a.Store.ReadStream(ctx, eventlog.AgentStream(id))
		if err != nil {
			t.Fatal(err)
		}
		n := map[string]int{}
		for _, r := range recs {
			n[r.Type]++
		}
		return n
	}
	servicetest.WaitFor(t, time.Until(start)+10*time.Second, "the shift starts", func() bool { return types()[domain.TypeAgentShiftStarted] > 0 })
	online(t, a, id, true)
	servicetest.WaitFor(t, time.Until(end)+10*time.Second, "the shift ends", func() bool { return types()[domain.TypeAgentShiftEnded] > 0 })
	time.Sleep(time.Second) // anything recorded twice would be by now
	if n := types(); n[domain.TypeAgentShiftStarted] != 1 || n[domain.TypeAgentShiftEnded] != 1 {
		t.Fatalf("agent events %v: want one shift start and one end", n)
	}
	online(t, b, id, false)
}

func online(t *testing.T, svc *service.Service, id uuid.UUID, want bool) {
	t.Helper()
	a, err := command.LoadAgent(context.Background(), svc.Store, id)
	if err != nil {
		t.Fatal(err)
	}
	if a.Online != want {
		t.Fatalf("online %v, want %v", a.Online, want)
	}
}
