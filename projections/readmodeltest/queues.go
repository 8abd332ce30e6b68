package readmodeltest

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/application/query"
	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections"
)

// queueWorld: q1 standard P2 billing (first response due 4h00m), q2 vip P2 billing answered
// in time (next due: resolution at 4h01m), q3 core P1 assigned to A (breached), q4
// standard P4 login team billing, q5 resolved (not queued), q6 vip P3 (breached).
// Tagged "vip-care": q1, q3 and q5; q3 had "x" too, removed in the command that added
// "vip-care".
func queueWorld(t *testing.T, events eventlog.EventStore) (*World, []uuid.UUID, [2]domain.AgentState) {
	ctx := context.Background()
	w := NewWorld(t, events)
	a, b := w.Agent(t, "Alice", "support"), w.Agent(t, "Bob", "support")
	c := w.Commands
	tiers := []domain.Tier{domain.TierStandard, domain.TierVIP, domain.TierCore, domain.TierStandard, domain.TierStandard, domain.TierVIP}
	ids := make([]uuid.UUID, len(tiers))
	for i, tier := range tiers {
		w.at(time.Duration(i) * time.Minute)
		ids[i] = w.Receive(t, tier, domain.ChannelWeb, "s", "b").Ticket.ID
	}
	classify := func(i int, cat string, p domain.Priority, team string) func() (command.TicketResult, error) {
		return func() (command.TicketResult, error) {
			return c.Classify.Handle(ctx, command.ClassifyTicket{TicketID: ids[i], ClassifyTicket: domain.ClassifyTicket{Category: cat, Priority: p, Team: team}}, meta)
		}
	}
	assign := func(i int, ag domain.AgentState) func() (command.TicketResult, error) {
		return func() (command.TicketResult, error) {
			return c.Assign.Handle(ctx, command.AssignTicket{TicketID: ids[i], AgentID: ag.ID}, meta)
		}
	}
	tag := func(i int, add, remove []string) func() (command.TicketResult, error) {
		return func() (command.TicketResult, error) {
			return c.Tags.Handle(ctx, command.ChangeTicketTags{TicketID: ids[i], Add: add, Remove: remove}, meta)
		}
	}
	w.at(6 * time.Minute)
	for _, f := range []func() (command.TicketResult, error){
		classify(0, "billing", domain.P2, ""), classify(1, "billing", domain.P2, ""),
		classify(2, "outage", domain.P1, ""), classify(3, "login", domain.P4, "billing"),
		assign(2, a), assign(4, b),
		tag(0, []string{"VIP-care"}, nil), tag(2, []string{"x"}, nil), tag(2, []string{"vip-care"}, []string{"x"}),
		tag(4, []string{"vip-care"}, nil),
	} {
		do(t, f)
	}
	w.at(10 * time.Minute)
	do(t, func() (command.TicketResult, error) {
		return c.Reply.Handle(ctx, command.ReplyToTicket{TicketID: ids[1], Body: "hi", Public: true}, meta)
	})
	do(t, func() (command.TicketResult, error) {
		return c.Resolve.Handle(ctx, command.ResolveTicket{TicketID: ids[4], Resolution: "ok"}, meta)
	})
	w.at(2 * time.Hour)
	return w, ids, [2]domain.AgentState{a, b}
}

func testQueues(t *testing.T, newStore Factory, newEvents EventsFactory) {
	ctx := context.Background()
	w, ids, ag := queueWorld(t, newEvents())
	store := newStore(t)
	FeedLive(t, store, w.All(t), 5)
	svc := projections.NewService(w.Events, store, nil, w.Clock)
	yes, no := true, false
	cases := []struct {
		name string
		f    projections.QueueFilter
		want []int
	}{
		{"all", projections.QueueFilter{}, []int{2, 0, 1, 5, 3}},
		{"priority", projections.QueueFilter{Priority: domain.P2}, []int{0, 1}},
		{"status", projections.QueueFilter{Status: domain.StatusAssigned}, []int{2}},
		{"assignee", projections.QueueFilter{Assignee: ag[0].ID}, []int{2}},
		{"assignee without open tickets", projections.QueueFilter{Assignee: ag[1].ID}, nil},
		{"team", projections.QueueFilter{Team: "billing"}, []int{3}},
		{"category", projections.QueueFilter{Category: "billing"}, []int{0, 1}},
		{"breached", projections.QueueFilter{Breached: &yes}, []int{2, 5}},
		{"not breached", projections.QueueFilter{Breached: &no}, []int{0, 1, 3}},
		{"tag", projections.QueueFilter{Tag: "vip-care"}, []int{2, 0}},
		{"tag and priority", projections.QueueFilter{Tag: "vip-care", Priority: domain.P2}, []int{0}},
		{"a removed tag", projections.QueueFilter{Tag: "x"}, nil},
	}
	for _, tc := range cases {
		items, next, err := svc.Queue(ctx, tc.f, 0, "")
		check(t, err)
		if next != "" {
			t.Errorf("%s: a next cursor on the only page", tc.name)
		}
		if len(items) != len(tc.want) {
			t.Errorf("%s: %d items, want %d", tc.name, len(items), len(tc.want))
			continue
		}
		for k, i := range tc.want {
			st, err := query.GetTicket(ctx, w.Events, ids[i], time.Time{})
			check(t, err)
			got, _ := json.Marshal(items[k])
			exp, _ := json.Marshal(query.NewTicketView(st, w.Clock.Now()))
			if string(got) != string(exp) {
				t.Errorf("%s: item %d is\n%s\nwant ticket q%d\n%s", tc.name, k, got, i+1, exp)
			}
		}
	}
	// Pages of two follow each other without gaps or repeats.
	var seen []uuid.UUID
	cursor := ""
	for range 5 {
		items, next, err := svc.Queue(ctx, projections.QueueFilter{}, 2, cursor)
		check(t, err)
		for _, it := range items {
			seen = append(seen, it.ID)
		}
		if cursor = next; cursor == "" {
			break
		}
	}
	if want := []uuid.UUID{ids[2], ids[0], ids[1], ids[5], ids[3]}; len(seen) != len(want) || seen[0] != want[0] || seen[4] != want[4] {
		t.Errorf("paged queue %v, want %v", seen, want)
	}
	if _, _, err := svc.Queue(ctx, projections.QueueFilter{}, 2, "%%%"); err == nil {
		t.Error("a forged cursor was accepted")
	}
}

func testAgents(t *testing.T, newStore Factory, newEvents EventsFactory) {
	ctx := context.Background()
	w, ids, ag := queueWorld(t, newEvents())
	store := newStore(t)
	live := mustEngine(t, store)
	if _, err := live.CatchUp(ctx, w.Events); err != nil {
		t.Fatal(err)
	}
	svc := projections.NewService(w.Events, store, live, w.Clock)
	agents, err := svc.Agents(ctx)
	check(t, err)
	if len(agents) != 2 || agents[0].Name != "Alice" || agents[0].OpenTickets != 1 || agents[1].OpenTickets != 0 || !agents[0].Online {
		t.Fatalf("agents %+v", agents)
	}
	// Bob takes two tickets; a read with min_version waits for the projection.
	var last command.TicketResult
	for _, i := range []int{0, 3} {
		r, err := w.Commands.Assign.Handle(ctx, command.AssignTicket{TicketID: ids[i], AgentID: ag[1].ID}, meta)
		check(t, err)
		last = r
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		time.Sleep(50 * time.Millisecond)
		recs, err := w.Events.ReadAll(ctx, live.Position(), 100)
		if err == nil {
			for _, r := range recs {
				_ = live.Handle(ctx, r)
			}
			_ = live.Flush(ctx)
		}
	}()
	view, err := svc.Portal(ctx, ids[3], last.Ticket.Version)
	check(t, err)
	<-done
	if view.Version != last.Ticket.Version || view.AssigneeName == nil || *view.AssigneeName != "Bob" {
		t.Fatalf("min_version read gave version %d, assignee %v; want %d, Bob", view.Version, view.AssigneeName, last.Ticket.Version)
	}
	bob, err := svc.Agent(ctx, ag[1].ID, -1)
	check(t, err)
	if bob.OpenTickets != 2 || bob.Team != "support" || len(bob.Skills) != 1 {
		t.Fatalf("Bob %+v", bob)
	}
	if _, err := svc.Agent(ctx, uuid.New(), -1); err == nil {
		t.Fatal("an unknown agent was found")
	}
}

// testQueuePages: on a randomized history, the store's pages are SortQueue's order, for
// every filter, several moments (breaches and waits depend on them) and page sizes.
func testQueuePages(t *testing.T, newStore Factory, newEvents EventsFactory) {
	w := Random(t, newEvents(), 13, 150, 1500)
	checkQueuePages(t, Rebuilt(t, newStore, w), w, Epoch.Add(time.Hour), Epoch.Add(48*time.Hour), w.Clock.Now())
	// q2 of queueWorld met its first response in time; at 5 h only its resolution is late.
	qw, _, _ := queueWorld(t, newEvents())
	checkQueuePages(t, Rebuilt(t, newStore, qw), qw, Epoch.Add(30*time.Minute), Epoch.Add(5*time.Hour))
}

func checkQueuePages(t *testing.T, store projections.Store, w *World, nows ...time.Time) {
	ctx := context.Background()
	yes, no := true, false
	filters := []projections.QueueFilter{{}, {Breached: &yes}, {Breached: &no}, {Priority: domain.P2},
		{Status: domain.StatusWaiting}, {Team: "billing"}, {Category: "bug", Breached: &yes}, {Assignee: w.Agents[0].ID},
		// the SLA watch's order (due time alone), and filters that meet in more than one index
		{ByDue: true}, {ByDue: true, Breached: &yes}, {ByDue: true, Status: domain.StatusEscalated},
		{ByDue: true, Team: "billing"}, {Team: "billing", Status: domain.StatusAssigned},
		{Priority: domain.P3, Team: "billing"}, {Assignee: w.Agents[0].ID, Priority: domain.P1}}
	for _, now := range nows {
		for _, f := range filters {
			open, err := store.OpenTickets(ctx, f)
			check(t, err)
			want := projections.SortQueue(open, f, now)
			for _, size := range []int{7, 500} {
				var got []domain.TicketState
				for offset := 0; ; offset += size {
					page, more, err := store.QueuePage(ctx, f, now, offset, size)
					check(t, err)
					got = append(got, page...)
					if !more {
						break
					}
				}
				if len(got) != len(want) {
					t.Fatalf("filter %+v at %v: %d tickets, want %d", f, now, len(got), len(want))
				}
				for i := range got {
					if got[i].ID != want[i].ID {
						t.Fatalf("filter %+v at %v, page size %d: item %d is %s, want %s", f, now, size, i, got[i].ID, want[i].ID)
					}
				}
			}
		}
	}
}
