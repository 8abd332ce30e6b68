package readmodeltest

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/erasure"
	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections"
)

// testCustomers: the customers projection groups tickets into records: tickets received
// before records existed (no record id in TicketReceived) by email, case-insensitively,
// and the record made when such a customer writes again is the same one; tickets with
// one external id and one with only that record's email join one record; a record's
// tier is its stream's (a change is an event); live rows equal rebuilt rows.
func testCustomers(t *testing.T, newStore Factory, newEvents EventsFactory) {
	ctx := context.Background()
	w := NewWorld(t, newEvents())
	keys, again, n1 := customersHistory(t, w)
	nid := uuid.MustParse(n1.Customer.RecordID)
	rebuilt := Rebuilt(t, newStore, w)
	live := newStore(t)
	FeedLive(t, live, w.All(t), 3)
	rows := customerRows(t, rebuilt)
	if got := customerRows(t, live); got != rows {
		t.Fatalf("live rows differ from rebuilt rows:\n%s", firstDiff(rows, got))
	}
	svc := projections.NewService(w.Events, live, nil, w.Clock)
	svc.Keys = keys
	old := domain.CustomerRecordID("old@example.com")
	if again.Customer.RecordID != old.String() || again.Customer.Tier != domain.TierStandard {
		t.Fatalf("a legacy customer's new ticket joined %s (%s), want %s", again.Customer.RecordID, again.Customer.Tier, old)
	}
	for _, ref := range []string{old.String(), "old-1"} {
		v, err := svc.Customer(ctx, ref)
		check(t, err)
		if v.ID != old || v.Tickets != (projections.CustomerCounts{Open: 3, Total: 3}) || len(v.ExternalIDs) != 1 || v.ExternalIDs[0].ID != "old-1" {
			t.Fatalf("customer %s: %+v", ref, v)
		}
	}
	v, err := svc.Customer(ctx, "C-9")
	check(t, err)
	if v.ID != nid || v.Tier != domain.TierVIP || v.Email != "n@example.com" || v.Tickets != (projections.CustomerCounts{Open: 2, Total: 3}) {
		t.Fatalf("customer C-9: %+v", v)
	}
	solo, err := svc.CustomersByEmail(ctx, "SOLO@example.com")
	check(t, err)
	if len(solo) != 1 || solo[0].Tier != domain.TierVIP || solo[0].Tickets.Total != 1 || solo[0].Adoption() == nil {
		t.Fatalf("solo: %+v", solo)
	}
	old3, _, err := svc.CustomerTicketsPage(ctx, "old-1", 10, "")
	check(t, err)
	nall, _, err := svc.CustomerTicketsPage(ctx, "C-9", 10, "")
	check(t, err)
	page, next, err := svc.CustomerTicketsPage(ctx, nid.String(), 2, "")
	check(t, err)
	rest, end, err := svc.CustomerTicketsPage(ctx, "C-9", 2, next)
	check(t, err)
	if len(page) != 2 || next == "" || len(rest) != 1 || end != "" || rest[0].ID != n1.ID {
		t.Fatalf("pages: %d %q, %d %q", len(page), next, len(rest), end)
	}
	// Erased: the key destroyed, the record shows no personal data; the rest stays.
	check(t, keys.Destroy(ctx, nid))
	if v, err := svc.Customer(ctx, "C-9"); err != nil || v.Email != "" || v.Name != "" || v.Tier != domain.TierVIP || v.Tickets.Total != 3 {
		t.Fatalf("erased customer: %+v %v", v, err)
	}
	testRecordTickets(t, svc, Rebuilt(t, newStore, w), w, map[uuid.UUID][]uuid.UUID{old: viewIDs(old3), nid: viewIDs(nall)})
	if _, err := svc.Customer(ctx, "nobody"); !errors.Is(err, application.ErrNotFound) {
		t.Fatalf("unknown customer: %v", err)
	}
	none, err := svc.CustomersByEmail(ctx, "nobody@example.com")
	if err != nil || len(none) != 0 {
		t.Fatalf("unknown email: %v %v", none, err)
	}
}

// customersHistory writes testCustomers' history, the records' personal fields sealed
// with the keys returned as ticketd on the embedded store does: tickets received before
// records existed, a legacy customer writing again (again), C-9's first ticket (n1),
// C-9 made VIP and a ticket joining it by email escalated and resolved.
func customersHistory(t *testing.T, w *World) (keys *erasure.MemoryKeys, again, n1 domain.TicketState) {
	ctx := context.Background()
	// Records' personal fields sealed, as ticketd on the embedded store does.
	keys = erasure.NewMemoryKeys()
	w.Commands.Receive = w.Commands.Receive.WithKeys(keys)
	w.Commands.CustomerTier = w.Commands.CustomerTier.WithKeys(keys)
	legacy := func(ext, email string, tier domain.Tier) uuid.UUID {
		id := uuid.New()
		data, err := json.Marshal(domain.TicketReceived{TicketID: id, Number: "TK-000000", Channel: domain.ChannelEmail,
			Customer: domain.Customer{ID: ext, Name: "Old " + email, Email: email, Tier: tier, Language: "zh"},
			Subject:  "旧的问题", Priority: domain.P3, Team: domain.DefaultTeam})
		check(t, err)
		w.AppendRaw(t, id, domain.TypeTicketReceived, string(data))
		return id
	}
	legacy("old-1", "Old@Example.com", domain.TierCore)
	legacy("", "old@example.com", domain.TierCore)
	legacy("", "solo@example.com", domain.TierVIP)
	receive := func(ext, email string, tier domain.Tier) domain.TicketState {
		r, err := w.Commands.Receive.Handle(ctx, command.ReceiveTicket{Channel: domain.ChannelAPI, Subject: "新的问题",
			Customer: domain.Customer{ID: ext, Name: "N " + email, Email: email, Tier: tier}}, meta)
		check(t, err)
		return r.Ticket
	}
	again = receive("", "OLD@example.com", domain.TierStandard)
	n1 = receive("C-9", "n@example.com", domain.TierStandard)
	receive("C-9", "n.work@example.com", "")
	n3 := receive("", "N@Example.com", "")
	// Self-service, the address not confirmed: in no record, whatever email it names.
	_, err := w.Commands.Receive.Handle(ctx, command.ReceiveTicket{Channel: domain.ChannelWeb, Subject: "冒充",
		Customer: domain.Customer{Name: "?", Email: "n@example.com", Tier: domain.TierStandard}, Unverified: true}, meta)
	check(t, err)
	_, err = w.Commands.CustomerTier.Handle(ctx, command.ChangeCustomerTier{CustomerID: uuid.MustParse(n1.Customer.RecordID), Tier: domain.TierVIP}, meta)
	check(t, err)
	_, err = w.Commands.Escalate.Handle(ctx, command.EscalateTicket{TicketID: n3.ID, EscalateTicket: domain.EscalateTicket{Team: "t2", Reason: "x"}}, meta)
	check(t, err)
	_, err = w.Commands.Resolve.Handle(ctx, command.ResolveTicket{TicketID: n3.ID, Resolution: "done"}, meta)
	check(t, err)
	return keys, again, n1
}

func customerRows(t *testing.T, store projections.Store) string {
	rows, err := store.Rows(context.Background(), projections.Customers)
	check(t, err)
	return asJSON(t, rows)
}

// testRecordTickets: GET /tickets?customer= (a record's id) lists the record's tickets as
// GET /customers/{id}/tickets does (want, newest first): those received before records
// existed by their email, those that joined it, whichever external id they came with;
// an unconfirmed self-service ticket is in no record's list. On the live store and a
// rebuilt one.
func testRecordTickets(t *testing.T, live *projections.Service, rebuilt projections.Store, w *World, want map[uuid.UUID][]uuid.UUID) {
	ctx := context.Background()
	for name, svc := range map[string]*projections.Service{"live": live, "rebuilt": projections.NewService(w.Events, rebuilt, nil, w.Clock)} {
		for id, ids := range want {
			got, next, err := svc.Tickets(ctx, projections.TicketFilter{Customer: id}, projections.MaxLimit, "")
			check(t, err)
			if len(ids) != 3 || next != "" || !slices.Equal(viewIDs(got), ids) {
				t.Fatalf("%s: GET /tickets?customer=%s: %v, want the record's %v", name, id, viewIDs(got), ids)
			}
		}
		all, _, err := svc.Tickets(ctx, projections.TicketFilter{}, projections.MaxLimit, "")
		check(t, err)
		unverified := 0
		for _, v := range all {
			if !v.Verified {
				unverified++
				for _, ids := range want {
					if slices.Contains(ids, v.ID) {
						t.Fatalf("%s: the unconfirmed ticket %s is in a record's list", name, v.ID)
					}
				}
			}
		}
		if unverified != 1 {
			t.Fatalf("%s: %d unconfirmed tickets, want 1", name, unverified)
		}
	}
}
