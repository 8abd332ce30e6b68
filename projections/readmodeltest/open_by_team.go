package readmodeltest

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/ticketengine/ticketengine/projections"
)

// testOpenByTeam: open_by_team, a projection added through the catalogue alone (its
// file, its registration, its migration), counts the open tickets per team and
// priority exactly as the queue projection holds them, on a random history with
// classifications, escalations, reprioritisations, resolutions, reopenings and closes;
// its rows after live projecting (a bus's duplicates, redeliveries and restarts) equal
// those of a rebuild from 0; and a rebuild of it alone while serving swaps in the same
// rows.
func testOpenByTeam(t *testing.T, newStore Factory, newEvents EventsFactory) {
	ctx := context.Background()
	w := Random(t, newEvents(), 11, 60, 900)
	rebuilt := Rebuilt(t, newStore, w)
	live := newStore(t)
	FeedLive(t, live, w.All(t), 5)
	want := countsFromQueue(t, rebuilt)
	if len(want) < 3 {
		t.Fatalf("the history opens tickets in %d team and priority pairs: too few to test", len(want))
	}
	for name, store := range map[string]projections.Store{"rebuilt": rebuilt, "live": live} {
		got, err := projections.CountOpenByTeam(ctx, store)
		check(t, err)
		if g, w := asJSON(t, got), asJSON(t, want); g != w {
			t.Fatalf("%s: open by team %s, the queue has %s", name, g, w)
		}
	}
	rows := teamRows(t, rebuilt)
	if got := teamRows(t, live); got != rows {
		t.Fatalf("live rows differ from rebuilt rows:\n%s", firstDiff(rows, got))
	}
	if !strings.Contains(rows, `"is_open":false`) || len(w.Tickets) != strings.Count(rows, `"ticket_id"`) {
		t.Fatalf("a row per ticket, some of them not open, was expected: %s", rows)
	}
	svc := projections.NewService(w.Events, live, nil, w.Clock)
	if _, err := svc.Rebuild(ctx, projections.OpenByTeam); err != nil {
		t.Fatal(err)
	}
	if got := teamRows(t, live); got != rows {
		t.Fatalf("a rebuild changed the rows:\n%s", firstDiff(rows, got))
	}
	if v, err := live.RowVersion(ctx, projections.OpenByTeam, w.TicketID(0)); err != nil || v < 0 {
		t.Fatalf("row version %d (%v)", v, err)
	}
}

// countsFromQueue counts the queue projection's open tickets per team and priority, in
// CountOpenByTeam's order.
func countsFromQueue(t *testing.T, store projections.Store) []projections.TeamOpen {
	open, err := store.OpenTickets(context.Background(), projections.QueueFilter{})
	check(t, err)
	var out []projections.TeamOpen
	for _, s := range open {
		i := slices.IndexFunc(out, func(x projections.TeamOpen) bool { return x.Team == s.Team && x.Priority == s.Priority })
		if i < 0 {
			out = append(out, projections.TeamOpen{Team: s.Team, Priority: s.Priority})
			i = len(out) - 1
		}
		out[i].Open++
	}
	slices.SortFunc(out, func(a, b projections.TeamOpen) int {
		if c := strings.Compare(a.Team, b.Team); c != 0 {
			return c
		}
		return a.Priority.Rank() - b.Priority.Rank()
	})
	return out
}

func teamRows(t *testing.T, store projections.Store) string {
	rows, err := store.Rows(context.Background(), projections.OpenByTeam)
	check(t, err)
	return asJSON(t, rows)
}

func asJSON(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	check(t, err)
	return string(b)
}
