package leases_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/ticketengine/ticketengine/adapters/lease/pglease"
	"github.com/ticketengine/ticketengine/adapters/smtp/smtptest"
	"github.com/ticketengine/ticketengine/adapters/webhook"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/policy"
	"github.com/ticketengine/ticketengine/cmd/internal/service"
	"github.com/ticketengine/ticketengine/cmd/internal/service/servicetest"
	"github.com/ticketengine/ticketengine/domain"
)

// hooks is a webhook receiver that counts deliveries by X-Tickets-Event-ID.
type hooks struct {
	mu   sync.Mutex
	byID map[string]int
}

func (h *hooks) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	h.byID[r.Header.Get(webhook.HeaderEventID)]++
	h.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

func (h *hooks) count(id uuid.UUID) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.byID[id.String()]
}

func (h *hooks) duplicates() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, c := range h.byID {
		n += max(0, c-1)
	}
	return n
}

// TestOutboxHandsOverWithoutDuplicates: two services on one PostgreSQL, each with the
// same mail server and webhook receiver. Only the holder of the lease "outbox" delivers;
// when it stops cleanly, the other takes the outbox over: every receipt mail (by
// Message-ID) and every event's webhook call (by X-Tickets-Event-ID) arrives once, those
// of tickets received while the first held the lease, around the hand-over and after.
func TestOutboxHandsOverWithoutDuplicates(t *testing.T) {
	dsn := servicetest.FreshPostgresSchema(t)
	shared, err := pglease.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = shared.Close() })
	mail := smtptest.Start(t)
	rcv := &hooks{byID: map[string]int{}}
	hookSrv := httptest.NewServer(rcv)
	t.Cleanup(hookSrv.Close)
	dir := t.TempDir()
	node := func(name string) (*service.Service, func()) {
		cfg := service.Config{EventStore: dsn, Data: filepath.Join(dir, name), LeaseTTL: time.Second, Leases: shared,
			SecretKey: strings.Repeat("5e", 32), AdminToken: "adm_two_nodes_0123456789", NoReadSide: true}
		cfg.Policies = service.PolicyConfig{SMTPURL: mail.URL(), SMTPFrom: "Help <help@example.com>",
			PortalURL: "https://help.example.com/portal/", PublicURL: "https://desk.example.com/",
			Webhooks: []string{hookSrv.URL}, WebhookSecret: "whsec_two_nodes"}
		return servicetest.RunService(t, cfg)
	}
	_, stopA := node("a")
	servicetest.WaitFor(t, 5*time.Second, "a holds the outbox", func() bool { return holds(shared, "outbox") })
	b, _ := node("b")

	var tickets, events []uuid.UUID
	receive := func() {
		res, err := b.Commands.Receive.Handle(context.Background(), command.ReceiveTicket{Channel: domain.ChannelWeb, Subject: "Rechnung doppelt",
			Customer: domain.Customer{Name: "Jürgen Groß", Email: "jg@example.de", Language: "en", Tier: domain.TierCore}}, command.CommandMeta{Actor: "admin"})
		if err != nil {
			t.Fatal(err)
		}
		tickets, events = append(tickets, res.Ticket.ID), append(events, res.Appended[0].ID)
	}
	for range 3 {
		receive()
	}
	waitDelivered(t, mail, rcv, tickets, events)
	for range 3 { // received while a stops: a finishes what it holds, b takes over the rest
		receive()
	}
	stopA()
	// a's policies saved the view's checkpoint on the way out, and its relay its progress,
	// in the shared database, for b (policy/checkpoint.go, webhook_progress.go)
	conn, err := pgx.Connect(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var names []string
	rows, err := conn.Query(context.Background(), "SELECT name FROM duty_checkpoints ORDER BY name")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		names = append(names, n)
	}
	if len(names) != 2 || names[0] != policy.ViewCheckpoint || names[1] != "webhook-"+policy.WebhookName(hookSrv.URL) {
		t.Fatalf("duty checkpoints %v: want the policy view's and the webhook's", names)
	}
	for range 3 {
		receive()
	}
	waitDelivered(t, mail, rcv, tickets, events)
	time.Sleep(time.Second) // a duplicate would be on its way by now
	if d := rcv.duplicates(); d != 0 {
		t.Fatalf("%d webhook calls repeated across the hand-over", d)
	}
	for id, n := range byMessageIDs(mail) {
		if n != 1 {
			t.Fatalf("mail %s sent %d times", id, n)
		}
	}
}

// waitDelivered waits until each ticket's receipt mail and its TicketReceived's webhook
// call arrived.
func waitDelivered(t *testing.T, mail *smtptest.Server, rcv *hooks, tickets, events []uuid.UUID) {
	t.Helper()
	servicetest.WaitFor(t, 15*time.Second, "every receipt mailed and every ticket's first event called", func() bool {
		ids := byMessageIDs(mail)
		for i, id := range tickets {
			if ids["<"+id.String()+"@example.com>"] == 0 || rcv.count(events[i]) == 0 {
				return false
			}
		}
		return true
	})
}

func byMessageIDs(srv *smtptest.Server) map[string]int {
	n := map[string]int{}
	for _, m := range srv.Messages() {
		n[m.Header.Get("Message-ID")]++
	}
	return n
}
