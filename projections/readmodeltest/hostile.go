package readmodeltest

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections"
)

// testHostileEvents is the regression test of issue 12's first defect: customer replies
// holding a NUL and invalid UTF-8 (stored before the edge refused them) and a record
// that does not decode (another version, an import) stop no projection. The texts are
// stored (sanitised by a store that must), the undecodable record is recorded as failed;
// a ticket received after them reaches the queue and the portal; a restart from the
// checkpoint and from 0 and a rebuild of every projection complete and agree; a queue
// filter holding such text is no error.
func testHostileEvents(t *testing.T, newStore Factory, newEvents EventsFactory) {
	ctx := context.Background()
	w := NewWorld(t, newEvents())
	id := w.Receive(t, domain.TierCore, domain.ChannelWeb, "before", "body").Ticket.ID
	store := newStore(t)
	e := mustEngine(t, store)
	_, err := e.CatchUp(ctx, w.Events)
	check(t, err)
	for _, body := range []string{"hello\x00world", "bad \xff\xfe bytes"} {
		// Appended past the edge, which refuses such text now: as an import or an older
		// version wrote them.
		data, err := json.Marshal(domain.CustomerReplied{Body: body})
		check(t, err)
		w.AppendRaw(t, id, domain.TypeCustomerReplied, string(data))
	}
	bad := w.AppendRaw(t, id, domain.TypeCustomerReplied, `{"body":42}`)
	after := w.Receive(t, domain.TierVIP, domain.ChannelEmail, "after", "body").Ticket.ID
	prev := e.Position()
	recs, err := w.Events.ReadAll(ctx, prev, 100)
	check(t, err)
	check(t, e.FollowBatch(ctx, w.Events, recs, prev))
	check(t, e.Flush(ctx))

	if !open(t, store, after) {
		t.Fatal("the ticket received after the hostile events is not in the queue")
	}
	if _, _, ok, err := store.PortalTicket(ctx, after); err != nil || !ok {
		t.Fatalf("the ticket received after the hostile events is not in the portal (%v)", err)
	}
	st, tl, ok, err := store.PortalTicket(ctx, id)
	check(t, err)
	if !ok || st.Version != bad.Version || len(tl) != 3 || !strings.HasPrefix(tl[1].Text, "hello") || !strings.HasSuffix(tl[1].Text, "world") {
		t.Fatalf("the hostile ticket's portal: %v v%d %+v", ok, st.Version, tl)
	}
	want := map[string]int{} // the undecodable record, once for every projection of tickets
	for _, n := range ticketProjections() {
		want[n] = 1
	}
	sameCounts(t, "live", failureCounts(t, store), want)
	for _, f := range []projections.QueueFilter{{Team: "a\x00b"}, {Category: "\xff\xfe"}, {Status: "\x00"}, {Priority: "\xc3\x28"}} {
		if page, _, err := store.QueuePage(ctx, f, Epoch, 0, 10); err != nil || len(page) != 0 {
			t.Fatalf("filter %+v: %d tickets, %v", f, len(page), err)
		}
		if ts, err := store.OpenTickets(ctx, f); err != nil || len(ts) != 0 {
			t.Fatalf("filter %+v: %d tickets, %v", f, len(ts), err)
		}
	}
	assertRestartsAgree(t, w, store, newStore(t), want, false)
}
