package readmodeltest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections"
)

// Marker is the text Poisoned refuses to store in the suite's tests.
const Marker = "POISON-PILL"

// failureCounts is what the store has recorded per projection.
func failureCounts(t testing.TB, store projections.Store) map[string]int {
	t.Helper()
	fs, ok := store.(projections.FailureStore)
	if !ok {
		t.Fatalf("%T keeps no failures", store)
	}
	got, err := fs.FailureCounts(context.Background())
	check(t, err)
	return got
}

func sameCounts(t testing.TB, what string, got, want map[string]int) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: failures %v, want %v", what, got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Fatalf("%s: failures %v, want %v", what, got, want)
		}
	}
}

// open reports whether ticket id is among the store's open tickets.
func open(t testing.TB, store projections.Store, id uuid.UUID) bool {
	t.Helper()
	ts, err := store.OpenTickets(context.Background(), projections.QueueFilter{})
	check(t, err)
	for _, s := range ts {
		if s.ID == id {
			return true
		}
	}
	return false
}

// poisonWorld: a ticket whose subject the store refuses (every projection of tickets
// fails at its receipt), one with a customer reply it refuses (the portal's timeline
// fails) followed by a reply it takes, and a ticket after them.
func poisonWorld(t *testing.T, events eventlog.EventStore) (w *World, replied, last uuid.UUID) {
	w = NewWorld(t, events)
	w.Receive(t, domain.TierCore, domain.ChannelWeb, "first", "body")
	w.Receive(t, domain.TierCore, domain.ChannelWeb, "subject "+Marker, "body")
	replied = w.Receive(t, domain.TierVIP, domain.ChannelEmail, "replied", "body").Ticket.ID
	for _, body := range []string{"a reply " + Marker, "a later reply"} {
		do(t, func() (command.TicketResult, error) {
			return w.Commands.CustomerReply.Handle(context.Background(), command.CustomerReply{TicketID: replied, Body: body}, meta)
		})
	}
	last = w.Receive(t, domain.TierStandard, domain.ChannelChat, "last", "body").Ticket.ID
	return w, replied, last
}

// testPoisonedRow: a store refusing a row (the test hook) keeps projecting the records
// after it on the live path, records the failure and counts it; a restart from the
// checkpoint and a catch-up from 0 complete without looping and agree; a rebuild
// completes and keeps the same failures.
func testPoisonedRow(t *testing.T, newStore Factory, newEvents EventsFactory) {
	ctx := context.Background()
	w, replied, last := poisonWorld(t, newEvents())
	recs := w.All(t)
	// No read model keeps the conversation (it is read from the stream): no messages row.
	// hot_tickets keeps the subject (the hot-issue page lists it).
	want := map[string]int{projections.Queues: 1, projections.Portal: 2, projections.KPI: 1, projections.HotTickets: 1}
	store := &Poisoned{Store: newStore(t), Marker: Marker}
	e := mustEngine(t, store)
	check(t, e.FollowBatch(ctx, w.Events, recs, 0))
	check(t, e.Flush(ctx))
	sameCounts(t, "live", failureCounts(t, store), want)
	for _, p := range e.Progress() {
		if p.Failed != uint64(want[p.Name]) || p.Committed != recs[len(recs)-1].Position {
			t.Fatalf("progress %+v, want %d failed, all committed", p, want[p.Name])
		}
	}
	if !open(t, store, last) {
		t.Fatal("the ticket after the refused rows is not in the queue")
	}
	st, tl, ok, err := store.PortalTicket(ctx, replied)
	check(t, err)
	if !ok || st.Version != 2 || len(tl) != 2 || tl[1].Text != "a later reply" {
		t.Fatalf("the replied ticket's portal: %v v%d %+v", ok, st.Version, tl)
	}
	assertRestartsAgree(t, w, store, &Poisoned{Store: newStore(t), Marker: Marker}, want, true)
	fs, err := store.Failures(ctx, projections.Portal)
	check(t, err)
	if fs[1].Stream != eventlog.TicketStream(replied) || fs[1].Type != domain.TypeCustomerReplied || fs[1].Position == 0 {
		t.Fatalf("the portal's failures: %+v", fs)
	}
}

// assertRestartsAgree: store has live-projected w's whole history, recording the
// failures want. A restart from its checkpoints reads nothing again; a catch-up from 0
// into fresh and a rebuild of every projection in place record the same failures and
// end in the same rows. The rebuild runs beside the restarted engine when withEngine
// (as in ticketd), else with no engine in the process (as ticketctl rebuilds).
func assertRestartsAgree(t *testing.T, w *World, store, fresh projections.Store, want map[string]int, withEngine bool) {
	t.Helper()
	ctx := context.Background()
	live := Dump(t, store, w)
	restarted := mustEngine(t, store)
	if n, err := restarted.CatchUp(ctx, w.Events); err != nil || n != 0 {
		t.Fatalf("a restart read %d records: %v", n, err)
	}
	if _, err := mustEngine(t, fresh).CatchUp(ctx, w.Events); err != nil {
		t.Fatalf("catching up from 0: %v", err)
	}
	sameCounts(t, "caught up from 0", failureCounts(t, fresh), want)
	if got := Dump(t, fresh, w); got != live {
		t.Fatalf("caught up from 0 and live differ:\n%s", firstDiff(got, live))
	}
	if !withEngine {
		restarted = nil
	}
	for _, n := range projections.Names() {
		if _, err := projections.Rebuild(ctx, w.Events, store, restarted, n, nil); err != nil {
			t.Fatalf("rebuild %s: %v", n, err)
		}
	}
	sameCounts(t, "rebuilt", failureCounts(t, store), want)
	if got := Dump(t, store, w); got != live {
		t.Fatalf("rebuilt and live differ:\n%s", firstDiff(got, live))
	}
}

// testTransientCommit: a commit failing for a reason not about the data (ErrInjected,
// a lost connection) skips nothing: it fails, and the next one writes everything.
func testTransientCommit(t *testing.T, newStore Factory, newEvents EventsFactory) {
	ctx := context.Background()
	w := Random(t, newEvents(), 21, 20, 100)
	recs := w.All(t)
	store := &Poisoned{Store: newStore(t), Marker: Marker}
	e := mustEngine(t, store)
	check(t, e.FollowBatch(ctx, w.Events, recs, 0))
	store.FailNext(2)
	for range 2 {
		if err := e.Flush(ctx); !errors.Is(err, ErrInjected) || projections.Unstorable(err) {
			t.Fatalf("a transient commit failure gave %v", err)
		}
	}
	if pos, err := store.Checkpoint(ctx, projections.Queues); err != nil || pos != 0 {
		t.Fatalf("after failed commits the checkpoint is %d (%v)", pos, err)
	}
	check(t, e.Flush(ctx))
	sameCounts(t, "after a transient failure", failureCounts(t, store), map[string]int{})
	AssertSameAsRebuilt(t, store, newStore, w, "retried")
}

// AppendRaw appends a record to ticket id's stream as another version or an import
// might have written it, past the command handlers' checks.
func (w *World) AppendRaw(t testing.TB, id uuid.UUID, typ string, data string) eventlog.Record {
	t.Helper()
	ctx := context.Background()
	stream := eventlog.TicketStream(id)
	have, err := w.Events.ReadStream(ctx, stream)
	check(t, err)
	v := int64(len(have))
	recs, err := w.Events.Append(ctx, stream, v-1, []eventlog.Record{{ID: uuid.New(), Stream: stream, Version: v,
		Type: typ, Data: []byte(data), Meta: eventlog.Metadata{Actor: "import", OccurredAt: w.Clock.Now()}}})
	check(t, err)
	w.Clock.Advance(time.Minute)
	return recs[0]
}
