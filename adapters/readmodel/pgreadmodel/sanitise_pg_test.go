package pgreadmodel_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/adapters/eventstore/memstore"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections"
	"github.com/ticketengine/ticketengine/projections/readmodeltest"
)

// hostileTicket appends, past the edge (which refuses such text now: as an import or an
// older version wrote them), a ticket received with subject and a customer reply.
func hostileTicket(t *testing.T, w *readmodeltest.World, subject, reply string) uuid.UUID {
	ctx := context.Background()
	like := w.Receive(t, domain.TierCore, domain.ChannelWeb, "subject", "body").Ticket.ID
	recs, err := w.Events.ReadStream(ctx, eventlog.TicketStream(like))
	if err != nil {
		t.Fatal(err)
	}
	var received domain.TicketReceived
	if err := json.Unmarshal(recs[0].Data, &received); err != nil {
		t.Fatal(err)
	}
	id := uuid.New()
	received.TicketID, received.Number, received.Subject = id, "TK-HOSTILE", subject
	data, err := json.Marshal(received)
	if err != nil {
		t.Fatal(err)
	}
	w.AppendRaw(t, id, domain.TypeTicketReceived, string(data))
	if data, err = json.Marshal(domain.CustomerReplied{Body: reply}); err != nil {
		t.Fatal(err)
	}
	w.AppendRaw(t, id, domain.TypeCustomerReplied, string(data))
	return id
}

// TestHostileTextIsSanitised: a NUL in a subject and a customer reply (issue 12) is
// stored as U+FFFD in the text columns and the json snapshots (which then also cast to
// jsonb and answer ->>), nothing is recorded as failed, and the events keep their bytes.
func TestHostileTextIsSanitised(t *testing.T) {
	ctx := context.Background()
	s, pool := newStore(t)
	w := readmodeltest.NewWorld(t, memstore.New())
	id := hostileTicket(t, w, "sub\x00ject", "hello\x00world")
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
	recs, err := w.Events.ReadStream(ctx, eventlog.TicketStream(id))
	if err != nil || !strings.Contains(string(recs[1].Data), `hello\u0000world`) {
		t.Fatalf("the event changed: %s (%v)", recs[1].Data, err)
	}
}
