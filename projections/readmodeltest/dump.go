package readmodeltest

import (
	"context"
	"encoding/json"
	"sort"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/projections"
)

// Dump is everything a store answers about a world, in a canonical JSON form, for
// comparing two stores.
func Dump(t testing.TB, store projections.Store, w *World) string {
	ctx := context.Background()
	d := map[string]any{}
	for _, n := range projections.Names() {
		pos, err := store.Checkpoint(ctx, n)
		check(t, err)
		d["checkpoint/"+n] = pos
		rows, err := store.Rows(ctx, n) // every projection, a new one too, with no query of its own
		check(t, err)
		d["rows/"+n] = rows
	}
	open, err := store.OpenTickets(ctx, projections.QueueFilter{})
	check(t, err)
	sort.Slice(open, func(i, j int) bool { return open[i].ID.String() < open[j].ID.String() })
	d["open"] = open
	list, _, err := store.TicketPage(ctx, projections.TicketFilter{}, projections.TicketCursor{}, len(w.Tickets)+1)
	check(t, err)
	d["list"] = list
	facts, err := store.KPIFacts(ctx, time.Time{}, time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC))
	check(t, err)
	sort.Slice(facts, func(i, j int) bool { return facts[i].State.ID.String() < facts[j].State.ID.String() })
	d["facts"] = facts
	portal := map[string]any{}
	for _, tk := range w.Tickets {
		st, tl, ok, err := store.PortalTicket(ctx, tk.Ticket.ID)
		check(t, err)
		portal[tk.Ticket.ID.String()] = map[string]any{"ok": ok, "state": st, "timeline": tl}
		for _, n := range ticketProjections() {
			v, err := store.RowVersion(ctx, n, tk.Ticket.ID)
			check(t, err)
			d["version/"+n+"/"+tk.Ticket.ID.String()] = v
		}
	}
	d["portal"] = portal
	agents, err := store.Agents(ctx)
	check(t, err)
	d["agents"] = agents
	for _, a := range w.Agents {
		row, ok, err := store.Agent(ctx, a.ID)
		check(t, err)
		d["agent/"+a.ID.String()] = map[string]any{"ok": ok, "row": row}
	}
	b, err := json.MarshalIndent(d, "", " ")
	check(t, err)
	return string(b)
}

func firstDiff(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	lo := max(0, i-400)
	return "live:    …" + a[lo:min(len(a), i+200)] + "\nrebuilt: …" + b[lo:min(len(b), i+200)]
}

func ids(w *World, name string) []uuid.UUID {
	var out []uuid.UUID
	if def, _ := projections.Lookup(name); def.Reads() == projections.AgentStreams {
		for _, a := range w.Agents {
			out = append(out, a.ID)
		}
		return out
	}
	for _, tk := range w.Tickets {
		out = append(out, tk.Ticket.ID)
	}
	return out
}

// ticketProjections names the projections that keep a row per ticket.
func ticketProjections() []string {
	var out []string
	for _, p := range projections.Catalogue() {
		if p.Reads() == projections.TicketStreams {
			out = append(out, p.Name())
		}
	}
	return out
}

// AssertSameAsRebuilt fails the test unless store holds what a rebuild of w's history
// into a new store holds, showing where they first differ; what says how store got there.
func AssertSameAsRebuilt(t *testing.T, store projections.Store, newStore Factory, w *World, what string) {
	t.Helper()
	if a, b := Dump(t, store, w), Dump(t, Rebuilt(t, newStore, w), w); a != b {
		t.Fatalf("%s and rebuilt read models differ:\n%s", what, firstDiff(a, b))
	}
}
