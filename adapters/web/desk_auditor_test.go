package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/adapters/eventstore/memstore"
	"github.com/ticketengine/ticketengine/adapters/web"
	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/auth"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// fakeHistory has no ticket.
type fakeHistory struct{}

func (fakeHistory) TicketEvents(context.Context, uuid.UUID) ([]eventlog.Record, error) {
	return nil, errNotFound
}
func (fakeHistory) SealedEvents(context.Context, uuid.UUID) ([]eventlog.Record, error) {
	return nil, errNotFound
}
func (fakeHistory) TicketByNumber(context.Context, string) (uuid.UUID, error) {
	return uuid.Nil, errNotFound
}

var errNotFound = application.ErrNotFound

type stepClock struct{ now time.Time }

func (c *stepClock) Now() time.Time { return c.now }

// history is a ticket received at t0 and classified P1 a minute later, in a memory store.
func history(t *testing.T) (eventlog.EventStore, uuid.UUID, string, time.Time) {
	t.Helper()
	store, clock := memstore.New(), &stepClock{now: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)}
	secrets, err := auth.NewSecrets([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, meta := context.Background(), command.CommandMeta{Actor: "admin"}
	res, err := command.NewReceiveTicketHandler(store, clock, nil, domain.DefaultSLAPolicy(), secrets).Handle(ctx,
		command.ReceiveTicket{Channel: domain.ChannelEmail, Customer: domain.Customer{Name: "Wang", Email: "wang@example.com", Tier: domain.TierCore},
			Subject: "<img src=x onerror=alert(1)>", Body: "help"}, meta)
	if err != nil {
		t.Fatal(err)
	}
	t0 := clock.now
	clock.now = clock.now.Add(time.Minute)
	_, err = command.NewClassifyTicketHandler(store, clock, nil, domain.DefaultSLAPolicy()).Handle(ctx,
		command.ClassifyTicket{TicketID: res.Ticket.ID, ClassifyTicket: domain.ClassifyTicket{Category: "billing", Priority: domain.P1}}, meta)
	if err != nil {
		t.Fatal(err)
	}
	return store, res.Ticket.ID, res.Ticket.Number, t0
}

// TestAuditShowsTheChainAndTheTicketAsOf: every event with the chain verified; as_of picks
// the state of its moment; a number opens the history.
func TestAuditShowsTheChainAndTheTicketAsOf(t *testing.T) {
	store, id, number, t0 := history(t)
	h := newDesk(t, &fakeManager{}, web.StoreHistory{Store: store})
	path := "/desk/audit/tickets/" + id.String()
	a := do(h, http.MethodGet, path, nil, "Cookie", "desk=auditor")
	if a.status != 200 || !strings.Contains(a.body, `data-chain="verified"`) || !strings.Contains(a.body, "TicketClassified") ||
		!strings.Contains(a.body, `data-field="status" data-value="classified"`) {
		t.Fatalf("%d\n%s", a.status, a.body)
	}
	if strings.Contains(a.body, "<img src=x") {
		t.Error("the subject is not escaped")
	}
	for _, asOf := range []string{t0.Add(30 * time.Second).Format(time.RFC3339), "2026-11-30T09:00:30.000"} {
		a = do(h, http.MethodGet, path+"?as_of="+asOf, nil, "Cookie", "desk=auditor")
		if !strings.Contains(a.body, `data-field="status" data-value="received"`) || !strings.Contains(a.body, `data-field="version" data-value="0"`) {
			t.Errorf("as_of %s:\n%s", asOf, a.body)
		}
	}
	a = do(h, http.MethodGet, path+"?as_of=2026-11-29T00:00", nil, "Cookie", "desk=auditor")
	if strings.Contains(a.body, `data-field="status"`) {
		t.Error("a state before the ticket existed")
	}
	a = do(h, http.MethodGet, "/desk/audit?number="+number, nil, "Cookie", "desk=auditor")
	if a.status != http.StatusSeeOther || a.header.Get("Location") != path {
		t.Errorf("by number: %d %s", a.status, a.header.Get("Location"))
	}
	if a := do(h, http.MethodGet, path, nil, "Cookie", "desk=analyst"); a.status != http.StatusForbidden {
		t.Errorf("an analyst reads the history: %d", a.status)
	}
}

// altered is the history with one event's data changed after it was sealed.
type altered struct{ web.StoreHistory }

func (a altered) SealedEvents(ctx context.Context, id uuid.UUID) ([]eventlog.Record, error) {
	recs, err := a.StoreHistory.SealedEvents(ctx, id)
	if err == nil {
		recs[len(recs)-1].Data = []byte(`{"category":"forged","priority":"P4"}`)
	}
	return recs, err
}

// TestAuditShowsABrokenChain: an altered event is named.
func TestAuditShowsABrokenChain(t *testing.T) {
	store, id, _, _ := history(t)
	h := newDesk(t, &fakeManager{}, altered{web.StoreHistory{Store: store}})
	a := do(h, http.MethodGet, "/desk/audit/tickets/"+id.String(), nil, "Cookie", "desk=auditor")
	if a.status != 200 || !strings.Contains(a.body, `data-chain="broken"`) || strings.Contains(a.body, `data-chain="verified"`) {
		t.Fatalf("%d\n%s", a.status, a.body)
	}
}
