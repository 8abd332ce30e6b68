package readmodeltest

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/query"
	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections"
)

// testTicketList: GET /tickets' read lists every ticket, open or not, newest first (then
// id), each filter selecting what the write side says it should, and pages of 7 walk the
// same list as one page. The expectations come from folding each ticket's stream
// (query.GetTicket), not from the store.
func testTicketList(t *testing.T, newStore Factory, newEvents EventsFactory) {
	ctx := context.Background()
	w := Random(t, newEvents(), 23, 90, 900)
	var states []domain.TicketState
	for _, tk := range w.Tickets {
		s, err := query.GetTicket(ctx, w.Events, tk.Ticket.ID, time.Time{})
		check(t, err)
		states = append(states, s)
	}
	slices.SortFunc(states, func(a, b domain.TicketState) int {
		if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
			return c
		}
		return bytes.Compare(b.ID[:], a.ID[:])
	})
	mid := states[len(states)/2].CreatedAt
	rec5 := uuid.MustParse(w.Tickets[5].Ticket.Customer.RecordID) // customer c5's record
	cases := []struct {
		name string
		f    projections.TicketFilter
		keep func(s domain.TicketState) bool
	}{
		{"all", projections.TicketFilter{}, func(domain.TicketState) bool { return true }},
		{"closed", projections.TicketFilter{Status: domain.StatusClosed}, func(s domain.TicketState) bool { return s.Status == domain.StatusClosed }},
		{"resolved in billing", projections.TicketFilter{Status: domain.StatusResolved, Team: "billing"},
			func(s domain.TicketState) bool { return s.Status == domain.StatusResolved && s.Team == "billing" }},
		{"customer", projections.TicketFilter{Customer: rec5}, func(s domain.TicketState) bool { return s.Customer.RecordID == rec5.String() }},
		{"assignee", projections.TicketFilter{Assignee: w.Agents[1].ID}, func(s domain.TicketState) bool { return s.Assignee == w.Agents[1].ID }},
		{"category and priority", projections.TicketFilter{Category: "bug", Priority: domain.P2},
			func(s domain.TicketState) bool { return s.Category == "bug" && s.Priority == domain.P2 }},
		{"channel", projections.TicketFilter{Channel: domain.ChannelEmail}, func(s domain.TicketState) bool { return s.Channel == domain.ChannelEmail }},
		{"from", projections.TicketFilter{From: mid}, func(s domain.TicketState) bool { return !s.CreatedAt.Before(mid) }},
		{"to", projections.TicketFilter{To: mid}, func(s domain.TicketState) bool { return s.CreatedAt.Before(mid) }},
		{"tag", projections.TicketFilter{Tag: "billing"}, func(s domain.TicketState) bool { return s.Tags.Has("billing") }},
		{"tag and status", projections.TicketFilter{Tag: "support", Status: domain.StatusClosed},
			func(s domain.TicketState) bool { return s.Tags.Has("support") && s.Status == domain.StatusClosed }},
		{"no such tag", projections.TicketFilter{Tag: "vip"}, func(domain.TicketState) bool { return false }},
		{"no such team", projections.TicketFilter{Team: "nobody\x00"}, func(domain.TicketState) bool { return false }},
	}
	live := newStore(t)
	FeedLive(t, live, w.All(t), 8)
	for name, store := range map[string]projections.Store{"live": live, "rebuilt": Rebuilt(t, newStore, w)} {
		svc := projections.NewService(w.Events, store, nil, w.Clock)
		for _, c := range cases {
			var want []uuid.UUID
			for _, s := range states {
				if c.keep(s) {
					want = append(want, s.ID)
				}
			}
			least, ok := map[string]int{"no such tag": 0, "no such team": 0, "customer": 1}[c.name] // one ticket per customer
			if !ok {
				least = 2
			}
			if len(want) < least || least == 0 && len(want) > 0 {
				t.Fatalf("%s: %d tickets: too few to test", c.name, len(want))
			}
			one, next, err := svc.Tickets(ctx, c.f, projections.MaxLimit, "")
			check(t, err)
			if got := viewIDs(one); next != "" || !slices.Equal(got, want) {
				t.Fatalf("%s, %s: %v (next %q), want %v", name, c.name, got, next, want)
			}
			var paged []uuid.UUID
			cursor := ""
			for n := 0; n == 0 || cursor != ""; n++ {
				page, nc, err := svc.Tickets(ctx, c.f, 7, cursor)
				check(t, err)
				if len(page) > 7 || n > len(want) {
					t.Fatalf("%s, %s: pages do not end", name, c.name)
				}
				paged, cursor = append(paged, viewIDs(page)...), nc
			}
			if !slices.Equal(paged, want) {
				t.Fatalf("%s, %s: pages of 7 give %v, want %v", name, c.name, paged, want)
			}
		}
		if _, _, err := svc.Tickets(ctx, projections.TicketFilter{}, 5, "bm9wZQ"); !errors.Is(err, domain.ErrInvalid) {
			t.Fatalf("%s: a cursor this server did not give: %v", name, err)
		}
	}
}

func viewIDs(vs []query.TicketView) []uuid.UUID {
	out := make([]uuid.UUID, len(vs))
	for i, v := range vs {
		out[i] = v.ID
	}
	return out
}
