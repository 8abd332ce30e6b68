package readmodeltest

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/access"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections"
)

// at runs a command at Epoch+offset.
func (w *World) at(offset time.Duration) { w.Clock.Set(Epoch.Add(offset)) }

// do runs a command that must succeed.
// Steps does each step in turn, the clock advanced by every before each.
func (w *World) Steps(t testing.TB, every time.Duration, steps ...func() (command.TicketResult, error)) {
	t.Helper()
	for _, s := range steps {
		w.Clock.Advance(every)
		do(t, s)
	}
}

func do(t testing.TB, fn func() (command.TicketResult, error)) {
	t.Helper()
	if _, err := fn(); err != nil {
		t.Fatal(err)
	}
}

// scriptedKPIWorld is the history the KPI expectations below are worked out from by hand
// (times after Epoch T0; default priority P3; SLA targets of API.md):
//
//	T1 standard email  0m: classify billing; assign A 10m; public reply 20m; tags billing,
//	                       refund 30m; resolve 1h; rate 5, NPS 10 (a promoter)
//	T2 vip      web    5m: assign B 15m; wait 20m; tag refund 30m; customer reply 50m (30m
//	                       waited); public replies 70m (first response due 35m+30m = 65m:
//	                       breached) and 80m; resolve 2h05m; rate 3, NPS 4 (a detractor)
//	T3 core     chat  10m: escalate to tech 20m; resolve 1h10m (first response); reopen
//	                       2h10m; escalate again 2h20m; resolve 3h10m; rate 4, NPS 9 (a promoter)
//	T4 standard phone 15m: nothing more
//	T5 vip      email 20m: assign A 25m; tag " Billing" 30m; nothing more (first response due 50m)
//
// Every ticket stays at P3 (group_by=priority is one row); untagged are T3 and T4.
//
//	T6 core     api   4h : outside the window [T0, T0+3h)
//
// The report runs at T0+5h with to = T0+3h.
func scriptedKPIWorld(t *testing.T, events eventlog.EventStore) (*World, [2]domain.AgentState) {
	ctx := context.Background()
	w := NewWorld(t, events)
	a, b := w.Agent(t, "Alice", "support"), w.Agent(t, "Bob", "billing")
	c := w.Commands
	m, cm := meta, command.CommandMeta{Actor: access.Customer.Actor()}
	recv := func(off time.Duration, tier domain.Tier, ch domain.Channel) uuid.UUID {
		w.at(off)
		return w.Receive(t, tier, ch, "subject", "body").Ticket.ID
	}
	step := func(off time.Duration, f func() (command.TicketResult, error)) {
		w.at(off)
		do(t, f)
	}
	t1 := recv(0, domain.TierStandard, domain.ChannelEmail)
	step(0, func() (command.TicketResult, error) {
		return c.Classify.Handle(ctx, command.ClassifyTicket{TicketID: t1, ClassifyTicket: domain.ClassifyTicket{Category: "billing", Priority: domain.P3}}, m)
	})
	t2 := recv(5*time.Minute, domain.TierVIP, domain.ChannelWeb)
	t3 := recv(10*time.Minute, domain.TierCore, domain.ChannelChat)
	recv(15*time.Minute, domain.TierStandard, domain.ChannelPhone)
	t5 := recv(20*time.Minute, domain.TierVIP, domain.ChannelEmail)
	step(10*time.Minute, func() (command.TicketResult, error) {
		return c.Assign.Handle(ctx, command.AssignTicket{TicketID: t1, AgentID: a.ID}, m)
	})
	step(15*time.Minute, func() (command.TicketResult, error) {
		return c.Assign.Handle(ctx, command.AssignTicket{TicketID: t2, AgentID: b.ID}, m)
	})
	step(20*time.Minute, func() (command.TicketResult, error) {
		return c.Reply.Handle(ctx, command.ReplyToTicket{TicketID: t1, Body: "hello", Public: true}, m)
	})
	step(20*time.Minute, func() (command.TicketResult, error) {
		return c.Wait.Handle(ctx, command.WaitOnCustomer{TicketID: t2, Reason: "logs"}, m)
	})
	step(20*time.Minute, func() (command.TicketResult, error) {
		return c.Escalate.Handle(ctx, command.EscalateTicket{TicketID: t3, EscalateTicket: domain.EscalateTicket{Team: "tech", Reason: "hard"}}, m)
	})
	step(25*time.Minute, func() (command.TicketResult, error) {
		return c.Assign.Handle(ctx, command.AssignTicket{TicketID: t5, AgentID: a.ID}, m)
	})
	tag := func(id uuid.UUID, tags ...string) func() (command.TicketResult, error) {
		return func() (command.TicketResult, error) {
			return c.Tags.Handle(ctx, command.ChangeTicketTags{TicketID: id, Add: tags}, m)
		}
	}
	step(30*time.Minute, tag(t1, "billing", "Refund"))
	step(30*time.Minute, tag(t2, "refund"))
	step(30*time.Minute, tag(t5, " Billing"))
	step(50*time.Minute, func() (command.TicketResult, error) {
		return c.CustomerReply.Handle(ctx, command.CustomerReply{TicketID: t2, Body: "here"}, cm)
	})
	step(time.Hour, func() (command.TicketResult, error) {
		return c.Resolve.Handle(ctx, command.ResolveTicket{TicketID: t1, Resolution: "done"}, m)
	})
	step(time.Hour, func() (command.TicketResult, error) {
		return c.Rate.Handle(ctx, command.RateTicket{TicketID: t1, Score: 5, NPS: nps(10)}, cm)
	})
	step(70*time.Minute, func() (command.TicketResult, error) {
		return c.Reply.Handle(ctx, command.ReplyToTicket{TicketID: t2, Body: "try this", Public: true}, m)
	})
	step(70*time.Minute, func() (command.TicketResult, error) {
		return c.Resolve.Handle(ctx, command.ResolveTicket{TicketID: t3, Resolution: "done"}, m)
	})
	step(80*time.Minute, func() (command.TicketResult, error) {
		return c.Reply.Handle(ctx, command.ReplyToTicket{TicketID: t2, Body: "and this", Public: true}, m)
	})
	step(125*time.Minute, func() (command.TicketResult, error) {
		return c.Resolve.Handle(ctx, command.ResolveTicket{TicketID: t2, Resolution: "done"}, m)
	})
	step(125*time.Minute, func() (command.TicketResult, error) {
		return c.Rate.Handle(ctx, command.RateTicket{TicketID: t2, Score: 3, NPS: nps(4)}, cm)
	})
	step(130*time.Minute, func() (command.TicketResult, error) {
		return c.Reopen.Handle(ctx, command.ReopenTicket{TicketID: t3, Reason: "again"}, m)
	})
	step(140*time.Minute, func() (command.TicketResult, error) {
		return c.Escalate.Handle(ctx, command.EscalateTicket{TicketID: t3, EscalateTicket: domain.EscalateTicket{Team: "tech", Reason: "again"}}, m)
	})
	step(190*time.Minute, func() (command.TicketResult, error) {
		return c.Resolve.Handle(ctx, command.ResolveTicket{TicketID: t3, Resolution: "done again"}, m)
	})
	step(190*time.Minute, func() (command.TicketResult, error) {
		return c.Rate.Handle(ctx, command.RateTicket{TicketID: t3, Score: 4, NPS: nps(9)}, cm)
	})
	recv(4*time.Hour, domain.TierCore, domain.ChannelAPI)
	w.at(5 * time.Hour)
	return w, [2]domain.AgentState{a, b}
}

// nps is an NPS answer.
func nps(v int) *int { return &v }

// withNPS sets a row's NPS and the number of answers it was computed from.
func withNPS(value float64, responses int, r projections.KPIRow) projections.KPIRow {
	r.NPS, r.NPSResponses = f(value), responses
	return r
}

// f is a KPI figure written compactly; nil pointers are nulls.
func f(v float64) *float64 { return &v }

// withTimes sets a row's first-response and resolution seconds to one ticket's:
// average, median and 90th percentile alike.
func withTimes(firstResponse, resolution float64, r projections.KPIRow) projections.KPIRow {
	r.FirstResponseSecondsAvg, r.FirstResponseSecondsP50, r.FirstResponseSecondsP90 = f(firstResponse), f(firstResponse), f(firstResponse)
	r.ResolutionSecondsAvg, r.ResolutionSecondsP50, r.ResolutionSecondsP90 = f(resolution), f(resolution), f(resolution)
	return r
}

// scriptedKPIWant is the report of scriptedKPIWorld over [T0, T0+3h), per group_by,
// worked out by hand; agents are the world's Alice and Bob.
func scriptedKPIWant(agents [2]domain.AgentState) map[string][]projections.KPIRow {
	// NPS by hand: T1 promoter, T2 detractor, T3 promoter. All: (2 - 1) / 3 = 33.33%;
	// a group with T1 or T3 alone 100, T2 alone -100, one of each 0.
	all := projections.KPIRow{Group: "2026-03-02", Received: 5, Resolved: 3, ResolutionRate: f(0.6),
		FirstResponseSecondsAvg: f(2900), FirstResponseSecondsP50: f(3600), FirstResponseSecondsP90: f(3840),
		ResolutionSecondsAvg: f(6600), ResolutionSecondsP50: f(5400), ResolutionSecondsP90: f(9720),
		FCRRate: f(0.3333), EscalationRate: f(0.2), ReopenRate: f(0.2),
		SLAFirstResponseMetRate: f(0.5), SLAResolutionMetRate: f(1),
		CSATAvg: f(4), CSATSatisfiedRate: f(0.6667), Rated: 3, Backlog: 3,
		NPS: f(33.33), NPSResponses: 3}
	// Per group: T1 (A, support, billing, email, standard), T2 (B, support, -, web, vip),
	// T3 (-, tech, -, chat, core), T4 (-, support, -, phone, standard), T5 (A, support, -, email, vip).
	t1 := withTimes(1200, 3600, projections.KPIRow{Received: 1, Resolved: 1, ResolutionRate: f(1),
		FCRRate: f(1), EscalationRate: f(0), ReopenRate: f(0), SLAFirstResponseMetRate: f(1), SLAResolutionMetRate: f(1),
		CSATAvg: f(5), CSATSatisfiedRate: f(1), Rated: 1, NPS: f(100), NPSResponses: 1})
	t2 := withTimes(3900, 5400, projections.KPIRow{Received: 1, Resolved: 1, ResolutionRate: f(1),
		FCRRate: f(0), EscalationRate: f(0), ReopenRate: f(0), SLAFirstResponseMetRate: f(0), SLAResolutionMetRate: f(1),
		CSATAvg: f(3), CSATSatisfiedRate: f(0), Rated: 1, NPS: f(-100), NPSResponses: 1})
	t3 := withTimes(3600, 10800, projections.KPIRow{Received: 1, Resolved: 1, ResolutionRate: f(1),
		FCRRate: f(0), EscalationRate: f(1), ReopenRate: f(1), SLAFirstResponseMetRate: f(1), SLAResolutionMetRate: f(1),
		CSATAvg: f(4), CSATSatisfiedRate: f(1), Rated: 1, Backlog: 1, NPS: f(100), NPSResponses: 1})
	t4 := projections.KPIRow{Received: 1, ResolutionRate: f(0), EscalationRate: f(0), ReopenRate: f(0), Backlog: 1}
	t3t4 := withTimes(3600, 10800, projections.KPIRow{Received: 2, Resolved: 1, ResolutionRate: f(0.5),
		FCRRate: f(0), EscalationRate: f(0.5), ReopenRate: f(0.5), SLAFirstResponseMetRate: f(1), SLAResolutionMetRate: f(1),
		CSATAvg: f(4), CSATSatisfiedRate: f(1), Rated: 1, Backlog: 2, NPS: f(100), NPSResponses: 1})
	t1t5 := withTimes(1200, 3600, projections.KPIRow{Received: 2, Resolved: 1, ResolutionRate: f(0.5),
		FCRRate: f(1), EscalationRate: f(0), ReopenRate: f(0), SLAFirstResponseMetRate: f(0.5), SLAResolutionMetRate: f(1),
		CSATAvg: f(5), CSATSatisfiedRate: f(1), Rated: 1, Backlog: 1, NPS: f(100), NPSResponses: 1})
	t1t4 := withTimes(1200, 3600, projections.KPIRow{Received: 2, Resolved: 1, ResolutionRate: f(0.5),
		FCRRate: f(1), EscalationRate: f(0), ReopenRate: f(0), SLAFirstResponseMetRate: f(1), SLAResolutionMetRate: f(1),
		CSATAvg: f(5), CSATSatisfiedRate: f(1), Rated: 1, Backlog: 1, NPS: f(100), NPSResponses: 1})
	t2t5 := withTimes(3900, 5400, projections.KPIRow{Received: 2, Resolved: 1, ResolutionRate: f(0.5),
		FCRRate: f(0), EscalationRate: f(0), ReopenRate: f(0), SLAFirstResponseMetRate: f(0), SLAResolutionMetRate: f(1),
		CSATAvg: f(3), CSATSatisfiedRate: f(0), Rated: 1, Backlog: 1, NPS: f(-100), NPSResponses: 1})
	// support = T1, T2, T4, T5.
	support := projections.KPIRow{Received: 4, Resolved: 2, ResolutionRate: f(0.5),
		FirstResponseSecondsAvg: f(2550), FirstResponseSecondsP50: f(2550), FirstResponseSecondsP90: f(3630),
		ResolutionSecondsAvg: f(4500), ResolutionSecondsP50: f(4500), ResolutionSecondsP90: f(5220),
		FCRRate: f(0.5), EscalationRate: f(0), ReopenRate: f(0), SLAFirstResponseMetRate: f(0.3333), SLAResolutionMetRate: f(1),
		CSATAvg: f(4), CSATSatisfiedRate: f(0.5), Rated: 2, Backlog: 2, NPS: f(0), NPSResponses: 2}
	// uncategorized = T2..T5.
	uncategorized := projections.KPIRow{Received: 4, Resolved: 2, ResolutionRate: f(0.5),
		FirstResponseSecondsAvg: f(3750), FirstResponseSecondsP50: f(3750), FirstResponseSecondsP90: f(3870),
		ResolutionSecondsAvg: f(8100), ResolutionSecondsP50: f(8100), ResolutionSecondsP90: f(10260),
		FCRRate: f(0), EscalationRate: f(0.25), ReopenRate: f(0.25), SLAFirstResponseMetRate: f(0.3333), SLAResolutionMetRate: f(1),
		CSATAvg: f(3.5), CSATSatisfiedRate: f(0.5), Rated: 2, Backlog: 3, NPS: f(0), NPSResponses: 2}
	// refund = T1 and T2, both resolved: first responses 1200 and 3900 s, resolutions
	// 3600 and 5400 s; T2's first response was late and took two replies.
	refund := projections.KPIRow{Received: 2, Resolved: 2, ResolutionRate: f(1),
		FirstResponseSecondsAvg: f(2550), FirstResponseSecondsP50: f(2550), FirstResponseSecondsP90: f(3630),
		ResolutionSecondsAvg: f(4500), ResolutionSecondsP50: f(4500), ResolutionSecondsP90: f(5220),
		FCRRate: f(0.5), EscalationRate: f(0), ReopenRate: f(0), SLAFirstResponseMetRate: f(0.5), SLAResolutionMetRate: f(1),
		CSATAvg: f(4), CSATSatisfiedRate: f(0.5), Rated: 2, NPS: f(0), NPSResponses: 2}
	named := func(g string, r projections.KPIRow) projections.KPIRow { r.Group = g; return r }
	agent := func(g, name string, r projections.KPIRow) projections.KPIRow { r.Group, r.Name = g, &name; return r }
	return map[string][]projections.KPIRow{
		"day": {all},
		"agent": sortRows([]projections.KPIRow{agent(agents[0].ID.String(), "Alice", t1t5),
			agent(agents[1].ID.String(), "Bob", t2), agent("unassigned", "", t3t4)}),
		"team":     {named("support", support), named("tech", t3)},
		"category": {named("billing", t1), named("uncategorized", uncategorized)},
		"channel":  {named("chat", t3), named("email", t1t5), named("phone", t4), named("web", t2)},
		"tier":     {named("core", t3), named("standard", t1t4), named("vip", t2t5)},
		"priority": {named("P3", all)},
		"tag":      {named("", t3t4), named("billing", t1t5), named("refund", refund)},
	}
}

func testKPI(t *testing.T, newStore Factory, newEvents EventsFactory) {
	ctx := context.Background()
	w, agents := scriptedKPIWorld(t, newEvents())
	store := Rebuilt(t, newStore, w)
	svc := projections.NewService(w.Events, store, nil, w.Clock)
	from, to := Epoch, Epoch.Add(3*time.Hour)
	want := scriptedKPIWant(agents)
	for _, g := range projections.GroupBys {
		rows, err := svc.KPI(ctx, projections.KPIQuery{From: from, To: to, GroupBy: g})
		check(t, err)
		got, _ := json.MarshalIndent(rows, "", " ")
		exp, _ := json.MarshalIndent(want[g], "", " ")
		if string(got) != string(exp) {
			t.Errorf("group_by=%s:\ngot  %s\nwant %s", g, got, exp)
		}
	}
	// The tag filter keeps the tickets carrying it: refund is T1 and T2, the refund row of
	// group_by=tag; "Refund " is normalised as tags are by the HTTP layer, not here.
	rows, err := svc.KPI(ctx, projections.KPIQuery{From: from, To: to, GroupBy: "day", Tag: "refund"})
	check(t, err)
	refund := want["tag"][2]
	refund.Group = "2026-03-02"
	if got, exp := mustJSON(rows), mustJSON([]projections.KPIRow{refund}); got != exp {
		t.Errorf("tag=refund:\ngot  %s\nwant %s", got, exp)
	}
	if _, err := svc.KPI(ctx, projections.KPIQuery{From: from, To: to, GroupBy: "weather"}); err == nil {
		t.Error("an unknown group_by was accepted")
	}
	rows, err = svc.KPI(ctx, projections.KPIQuery{From: from, To: Epoch.Add(5 * time.Hour), GroupBy: "day"})
	check(t, err)
	if len(rows) != 1 || rows[0].Received != 6 {
		t.Errorf("a wider window should see 6 tickets: %+v", rows)
	}
}

func mustJSON(v any) string {
	b, _ := json.MarshalIndent(v, "", " ")
	return string(b)
}

func sortRows(rows []projections.KPIRow) []projections.KPIRow {
	for i := range rows {
		for j := i + 1; j < len(rows); j++ {
			if rows[j].Group < rows[i].Group {
				rows[i], rows[j] = rows[j], rows[i]
			}
		}
	}
	return rows
}
