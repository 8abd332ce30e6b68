package postgres_test

import (
	"context"
	"strings"
	"testing"

	esmemory "github.com/ticketengine/ticketengine/adapters/eventstore/memory"
	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections"
	"github.com/ticketengine/ticketengine/projections/readmodeltest"
)

// TestHostileTextIsSanitised: a NUL in a subject and a customer reply (issue 12) is
// stored as U+FFFD in the text columns and the json snapshots (which then also cast to
// jsonb and answer ->>), nothing is recorded as failed, and the events keep their bytes.
func TestHostileTextIsSanitised(t *testing.T) {
	ctx := context.Background()
	s, pool := newStore(t)
	w := readmodeltest.NewWorld(t, esmemory.New())
	id := w.Receive(t, domain.TierCore, domain.ChannelWeb, "sub\x00ject", "body").Ticket.ID
	if _, err := w.Commands.CustomerReply.Handle(ctx, application.CustomerReply{TicketID: id, Body: "hello\x00world"}, application.CommandMeta{Actor: "c"}); err != nil {
		t.Fatal(err)
	}
	e, err := projections.NewEngine(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.CatchUp(ctx, w.Events); err != nil {
		t.Fatal(err)
	}
	var text, subject, jsonbSubject string
	if err := pool.QueryRow(ctx, `SELECT t.text, p.subject, p.state::jsonb->>'subject' FROM rm_portal_timeline t
		JOIN rm_portal_tickets p USING (ticket_id) WHERE t.ticket_id = $1 AND t.kind = $2`, id, projections.KindCustomerReply).Scan(&text, &subject, &jsonbSubject); err != nil {
		t.Fatal(err)
	}
	if text != "hello\uFFFDworld" || subject != "sub\uFFFDject" || jsonbSubject != subject {
		t.Fatalf("stored %q, %q, %q", text, subject, jsonbSubject)
	}
	if counts, err := s.FailureCounts(ctx); err != nil || len(counts) != 0 {
		t.Fatalf("failures %v (%v)", counts, err)
	}
	recs, err := w.Events.ReadStream(ctx, application.TicketStream(id))
	if err != nil || !strings.Contains(string(recs[1].Data), `hello\u0000world`) {
		t.Fatalf("the event changed: %s (%v)", recs[1].Data, err)
	}
}
