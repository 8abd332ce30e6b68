package readmodeltest

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/hotissues"
	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections"
)

// testHotIssues: hot_tickets keeps each ticket's time, category, team, tags and the
// significant terms of its first message (words, not bigram fragments); a burst of
// tickets about 退款失败 makes the detector raise one spike per series over the store's
// rows, once however often it checks; hot_spikes lists it; and both projections' rows
// after live projecting (duplicates, redeliveries, restarts) equal a rebuild's.
func testHotIssues(t *testing.T, newStore Factory, newEvents EventsFactory) {
	ctx := context.Background()
	w := Random(t, newEvents(), 19, 40, 400)
	start := w.Clock.Now()
	var burst []command.ReceivedTicket
	for i := range 12 {
		w.Clock.Advance(time.Minute)
		r := w.Receive(t, domain.TierStandard, domain.ChannelWeb, "退款失败", "我的订单退款失败了，请尽快处理")
		burst = append(burst, r)
		id := r.Ticket.ID
		_, err := w.Commands.Classify.Handle(ctx, command.ClassifyTicket{TicketID: id, ClassifyTicket: domain.ClassifyTicket{
			Category: "refunds", Priority: domain.P2, Team: "billing"}}, meta)
		check(t, err)
		if i%2 == 0 {
			_, err = w.Commands.Tags.Handle(ctx, command.ChangeTicketTags{TicketID: id, Add: []string{"payment"}}, meta)
			check(t, err)
		}
	}
	live := newStore(t)
	FeedLive(t, live, w.All(t), 3)
	svc := projections.NewService(w.Events, live, nil, w.Clock)
	got, err := svc.HotTicketsReceived(ctx, start, w.Clock.Now().Add(time.Second))
	check(t, err)
	if len(got) < len(burst) {
		t.Fatalf("%d tickets received in the burst's period, want at least %d", len(got), len(burst))
	}
	row := got[slices.IndexFunc(got, func(h projections.HotTicket) bool { return h.ID == burst[0].Ticket.ID })]
	if row.Category != "refunds" || row.Team != "billing" || !slices.Equal(row.Tags, []string{"payment"}) ||
		!slices.Contains(row.Terms, "退款") || !slices.Contains(row.Terms, "失败") || slices.Contains(row.Terms, "款失") {
		t.Fatalf("hot row %+v: want category, team, tags and the words 退款 and 失败", row)
	}
	m := hotissues.DefaultMethod()
	m.MinWeeks, m.MinCount = 0, 10 // a history of minutes: the baseline is empty, so zero
	d := &hotissues.Detector{Method: m, Tickets: projections.DetectorTickets{Service: svc}, Store: w.Events, Clock: w.Clock}
	raised, err := d.Check(ctx, w.Clock.Now().Add(time.Minute))
	check(t, err)
	series := map[string]bool{}
	for _, e := range raised {
		series[e.Series] = true
		if e.Count < 10 || len(e.Tickets) < 10 || !slices.Equal(e.Teams, []string{"billing"}) {
			t.Errorf("spike %+v: want the burst's tickets and team", e)
		}
	}
	for _, s := range []string{"category:refunds", "term:退款", "term:失败"} {
		if !series[s] {
			t.Errorf("no spike of %s among %v", s, series)
		}
	}
	again, err := d.Check(ctx, w.Clock.Now().Add(2*time.Minute))
	check(t, err)
	fresh := &hotissues.Detector{Method: m, Tickets: projections.DetectorTickets{Service: svc}, Store: w.Events, Clock: w.Clock}
	restarted, err := fresh.Check(ctx, w.Clock.Now().Add(3*time.Minute))
	check(t, err)
	if len(again)+len(restarted) != 0 {
		t.Fatalf("spikes raised again: %d, after a restart %d", len(again), len(restarted))
	}
	FeedLive(t, live, w.All(t), 4)
	rebuilt := Rebuilt(t, newStore, w)
	for _, name := range []string{projections.HotTickets, projections.HotSpikes} {
		a, b := rowsJSON(t, live, name), rowsJSON(t, rebuilt, name)
		if a != b {
			t.Fatalf("%s: live and rebuilt rows differ:\n%s", name, firstDiff(a, b))
		}
	}
	spikes, err := projections.NewService(w.Events, rebuilt, nil, w.Clock).Spikes(ctx, start.Add(-2*time.Hour), w.Clock.Now().Add(time.Hour))
	check(t, err)
	if len(spikes) != len(raised) {
		t.Fatalf("hot_spikes lists %d spikes, %d were raised", len(spikes), len(raised))
	}
}

func rowsJSON(t *testing.T, store projections.Store, name string) string {
	rows, err := store.Rows(context.Background(), name)
	check(t, err)
	b, err := json.MarshalIndent(rows, "", " ")
	check(t, err)
	return string(b)
}
