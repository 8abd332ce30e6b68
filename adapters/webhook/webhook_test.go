package webhook_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/adapters/eventstore/memstore"
	"github.com/ticketengine/ticketengine/adapters/webhook"
	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/auth"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/application/policy"
	"github.com/ticketengine/ticketengine/domain"
)

const secret = "s3cret"

// receiver is a webhook endpoint that verifies every delivery and can be told to fail.
type receiver struct {
	mu       sync.Mutex
	failNext int
	attempts map[string]int // event id → deliveries seen (failed or not)
	accepted []policy.WebhookPayload
	bad      int
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if err := webhook.Verify([]byte(secret), r.Header.Get(webhook.HeaderTimestamp), r.Header.Get(webhook.HeaderSignature), body, time.Now(), time.Minute); err != nil {
		rc.bad++
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	var p policy.WebhookPayload
	if err := json.Unmarshal(body, &p); err != nil || p.ID.String() != r.Header.Get(webhook.HeaderEventID) {
		rc.bad++
		http.Error(w, "bad body", http.StatusBadRequest)
		return
	}
	rc.attempts[p.ID.String()]++
	if rc.failNext > 0 {
		rc.failNext--
		http.Error(w, "down", http.StatusServiceUnavailable)
		return
	}
	rc.accepted = append(rc.accepted, p)
}

func (rc *receiver) snapshot() ([]policy.WebhookPayload, map[string]int, int) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	att := map[string]int{}
	for k, v := range rc.attempts {
		att[k] = v
	}
	return append([]policy.WebhookPayload(nil), rc.accepted...), att, rc.bad
}

func receiveTickets(t *testing.T, c *command.Commands, n int) {
	t.Helper()
	for range n {
		if _, err := c.Receive.Handle(context.Background(), command.ReceiveTicket{Channel: domain.ChannelWeb, Subject: "webhook",
			Customer: domain.Customer{Name: "A", Email: "a@example.com", Tier: domain.TierCore}}, command.CommandMeta{Actor: "admin"}); err != nil {
			t.Fatal(err)
		}
	}
}

func startRelay(t *testing.T, store eventlog.EventStore, url string) func() {
	sender, err := webhook.New(secret)
	if err != nil {
		t.Fatal(err)
	}
	relay := &policy.WebhookRelay{Store: store, Sender: sender, URL: url, MinBackoff: 50 * time.Millisecond, MaxBackoff: 200 * time.Millisecond, Every: time.Millisecond}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = relay.Run(ctx); close(done) }()
	stop := func() { cancel(); <-done }
	t.Cleanup(stop)
	return stop
}

func waitAccepted(t *testing.T, rc *receiver, n int) []policy.WebhookPayload {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		acc, _, _ := rc.snapshot()
		if len(acc) >= n {
			return acc
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d deliveries accepted, want %d", len(acc), n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestSignedAtLeastOnceDeliveryWithRetryAndCheckpoint(t *testing.T) {
	store := memstore.New()
	secrets, _ := auth.NewSecrets(make([]byte, 32))
	cmds := command.NewCommands(command.Config{Store: store, Clock: application.SystemClock{}, Policy: domain.DefaultSLAPolicy(), Secrets: secrets})
	rc := &receiver{attempts: map[string]int{}, failNext: 3}
	srv := httptest.NewServer(rc)
	defer srv.Close()

	receiveTickets(t, cmds, 2) // 2 TicketReceived (number reservations are not relayed)
	stop := startRelay(t, store, srv.URL)
	acc := waitAccepted(t, rc, 2)
	_, attempts, bad := rc.snapshot()
	if bad != 0 {
		t.Fatalf("%d deliveries failed verification", bad)
	}
	if first := acc[0].ID.String(); attempts[first] != 4 {
		t.Fatalf("the first event was delivered %d times; want 3 refused + 1 accepted", attempts[first])
	}
	if acc[0].Type != domain.TypeTicketReceived || acc[0].Position >= acc[1].Position {
		t.Fatalf("order or content: %+v", acc)
	}
	stop()

	receiveTickets(t, cmds, 1)
	startRelay(t, store, srv.URL) // a restart resumes from the checkpoint
	acc = waitAccepted(t, rc, 3)
	time.Sleep(200 * time.Millisecond)
	acc, attempts, _ = rc.snapshot()
	if len(acc) != 3 || attempts[acc[1].ID.String()] != 1 {
		t.Fatalf("after restart: %d accepted, second event tried %d times; want 3 and 1", len(acc), attempts[acc[1].ID.String()])
	}
	recs, _ := store.ReadStream(context.Background(), policy.WebhookStreamPrefix+policy.WebhookName(srv.URL))
	if len(recs) == 0 {
		t.Fatal("no checkpoint in the store")
	}
}

func TestBadSignatureIsRefused(t *testing.T) {
	body := []byte(`{"id":"x"}`)
	ts := "1700000000"
	sig := "sha256=" + webhook.Sign([]byte(secret), ts, body)
	now := time.Unix(1700000010, 0)
	if err := webhook.Verify([]byte(secret), ts, sig, body, now, time.Minute); err != nil {
		t.Fatal(err)
	}
	if webhook.Verify([]byte("other"), ts, sig, body, now, time.Minute) == nil ||
		webhook.Verify([]byte(secret), ts, sig, []byte(`{"id":"y"}`), now, time.Minute) == nil ||
		webhook.Verify([]byte(secret), ts, sig, body, now.Add(time.Hour), time.Minute) == nil {
		t.Fatal("a wrong key, body or stale timestamp verified")
	}
}
