package readmodeltest

import (
	"context"
	"testing"
	"time"
	_ "time/tzdata" // Asia/Shanghai on machines without a zone database

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/access"
	"github.com/ticketengine/ticketengine/application/auth"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections"
)

// testKPIBusinessTime: the KPI durations in business time under a China calendar, Monday
// to Friday 09:00–18:00 in Asia/Shanghai, for the core tier (standard stays 24×7). Worked
// out by hand (Friday 6 March 2026, Shanghai time):
//
//	core     received Fri 17:00; assigned Mon 09:30; public reply Mon 10:00 (first
//	         response: 65 h of calendar time, 1 h on Friday + 1 h on Monday = 2 h of
//	         business time); waits Mon 11:00 → customer answers Tue 10:00 (23 h, of them
//	         7 h + 1 h = 8 h working); resolved Tue 12:00 (resolution 91 h − 23 h = 68 h;
//	         business 1 + 9 + 3 = 13 h − 8 h = 5 h).
//	standard received Fri 17:00, same steps: business time is calendar time (24×7).
//
// Live and rebuilt read models are the same, and both report the same figures.
func testKPIBusinessTime(t *testing.T, newStore Factory, newEvents EventsFactory) {
	ctx := context.Background()
	cst, err := time.LoadLocation("Asia/Shanghai")
	check(t, err)
	day := []string{"09:00-18:00"}
	cal, err := domain.NewCalendar(domain.CalendarSpec{Name: "cn-9-18", TimeZone: "Asia/Shanghai",
		Hours: map[string][]string{"mon": day, "tue": day, "wed": day, "thu": day, "fri": day}}, cst)
	check(t, err)
	p := domain.DefaultSLAPolicy()
	p.Calendars = map[string]*domain.Calendar{cal.Name: cal}
	p.BusinessTime = []domain.CalendarRule{{Tier: domain.TierCore, Calendar: cal.Name}}

	w := NewWorld(t, newEvents())
	secrets, err := auth.NewSecrets([]byte("readmodeltest-key-0123456789abcdef"))
	check(t, err)
	w.Commands = command.NewCommands(command.Config{Store: w.Events, Clock: w.Clock, Policy: p, Secrets: secrets})
	at := func(d, h, m int) { w.Clock.Set(time.Date(2026, 3, d, h, m, 0, 0, cst)) }
	at(6, 17, 0)
	agent := w.Agent(t, "Li", "support")
	c, cm := w.Commands, command.CommandMeta{Actor: access.Customer.Actor()}
	core := w.Receive(t, domain.TierCore, domain.ChannelEmail, "发票", "请开发票").Ticket.ID
	standard := w.Receive(t, domain.TierStandard, domain.ChannelEmail, "invoice", "please").Ticket.ID
	for _, id := range []uuid.UUID{core, standard} {
		at(9, 9, 30)
		do(t, func() (command.TicketResult, error) {
			return c.Assign.Handle(ctx, command.AssignTicket{TicketID: id, AgentID: agent.ID}, meta)
		})
		at(9, 10, 0)
		do(t, func() (command.TicketResult, error) {
			return c.Reply.Handle(ctx, command.ReplyToTicket{TicketID: id, Body: "您好", Public: true}, meta)
		})
		at(9, 11, 0)
		do(t, func() (command.TicketResult, error) {
			return c.Wait.Handle(ctx, command.WaitOnCustomer{TicketID: id, Reason: "发票抬头?"}, meta)
		})
		at(10, 10, 0)
		do(t, func() (command.TicketResult, error) {
			return c.CustomerReply.Handle(ctx, command.CustomerReply{TicketID: id, Body: "公司"}, cm)
		})
		at(10, 12, 0)
		do(t, func() (command.TicketResult, error) {
			return c.Resolve.Handle(ctx, command.ResolveTicket{TicketID: id, Resolution: "已开"}, meta)
		})
	}

	live := newStore(t)
	FeedLive(t, live, w.All(t), 7)
	rebuilt := Rebuilt(t, newStore, w)
	if a, b := Dump(t, live, w), Dump(t, rebuilt, w); a != b {
		t.Fatalf("live and rebuilt read models differ:\n%s", firstDiff(a, b))
	}
	const h = 3600.0
	want := map[string]map[string][2]float64{ // base → tier → first response, resolution (s)
		projections.KPITimeCalendar: {"core": {65 * h, 68 * h}, "standard": {65 * h, 68 * h}},
		projections.KPITimeBusiness: {"core": {2 * h, 5 * h}, "standard": {65 * h, 68 * h}},
	}
	from, to := time.Date(2026, 3, 6, 0, 0, 0, 0, cst), time.Date(2026, 3, 7, 0, 0, 0, 0, cst)
	for name, store := range map[string]projections.Store{"live": live, "rebuilt": rebuilt} {
		svc := projections.NewService(w.Events, store, nil, w.Clock)
		for base, tiers := range want {
			rows, err := svc.KPI(ctx, projections.KPIQuery{From: from, To: to, GroupBy: "tier", Time: base})
			check(t, err)
			if len(rows) != 2 {
				t.Fatalf("%s, time=%s: %d rows, want core and standard", name, base, len(rows))
			}
			for _, r := range rows {
				exp := tiers[r.Group]
				if r.FirstResponseSecondsAvg == nil || *r.FirstResponseSecondsAvg != exp[0] ||
					r.ResolutionSecondsAvg == nil || *r.ResolutionSecondsAvg != exp[1] {
					t.Errorf("%s, time=%s, tier %s: first response %v s, resolution %v s; want %v and %v",
						name, base, r.Group, deref(r.FirstResponseSecondsAvg), deref(r.ResolutionSecondsAvg), exp[0], exp[1])
				}
			}
		}
		if _, err := svc.KPI(ctx, projections.KPIQuery{From: from, To: to, GroupBy: "tier", Time: "sidereal"}); err == nil {
			t.Errorf("%s: time=sidereal was accepted", name)
		}
	}
}

func deref(v *float64) any {
	if v == nil {
		return nil
	}
	return *v
}
