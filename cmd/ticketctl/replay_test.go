package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/ticketengine/ticketengine/adapters/eventstore/memstore"
	"github.com/ticketengine/ticketengine/adapters/httpapi"
	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/auth"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/eventlog"
)

const adminToken = "adm_test_token_0123456789abcdef"

// TestReplayAsOfAgreesWithGetTicket: for every ticket of a randomized history and random
// moments (and each event's own moment, and its millisecond's edges), the last line of
// `replay --as-of T --json` is exactly what GET /tickets/{id}?as_of=T answers, and both
// say "not found" before the ticket existed.
func TestReplayAsOfAgreesWithGetTicket(t *testing.T) {
	t.Run("memory", func(t *testing.T) { testAsOf(t, memstore.New(), 7) })
	t.Run("bolt", func(t *testing.T) {
		s := openBolt(t, filepath.Join(t.TempDir(), "events.db"))
		defer s.Close()
		testAsOf(t, s, 8)
	})
}

func testAsOf(t *testing.T, store eventlog.EventStore, seed uint64) {
	ctx := context.Background()
	h := buildHistory(t, store, seed, 12, 400)
	secrets, err := auth.NewSecrets(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	api, err := httpapi.New(httpapi.Options{
		Commands: command.NewCommands(command.Config{Store: store, Clock: application.SystemClock{}, Secrets: secrets}), Store: store,
		Auth: auth.NewAuthenticator(store, adminToken), Registry: prometheus.NewRegistry(),
	})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(seed, 2))
	checked := 0
	for _, id := range h.tickets {
		recs, err := store.ReadStream(ctx, eventlog.TicketStream(id))
		if err != nil {
			t.Fatal(err)
		}
		var moments []time.Time
		for range 6 {
			span := h.end.Sub(h.start) + 2*time.Hour
			moments = append(moments, h.start.Add(-time.Hour+time.Duration(rng.Int64N(int64(span)))))
		}
		for _, r := range recs[:min(4, len(recs))] {
			at := r.Meta.OccurredAt
			moments = append(moments, at, at.Add(-time.Millisecond), at.Add(999*time.Microsecond), at.Add(-time.Nanosecond))
		}
		for _, at := range moments {
			compareAsOf(t, api, store, id, at)
			checked++
		}
	}
	if checked < 100 {
		t.Fatalf("only %d moments checked", checked)
	}
}

func compareAsOf(t *testing.T, api http.Handler, store eventlog.EventStore, id uuid.UUID, at time.Time) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/tickets/"+id.String()+"?as_of="+at.UTC().Format(time.RFC3339Nano), nil)
	req.Header.Set("Authorization", "Bearer "+adminToken)
	rec := httptest.NewRecorder()
	api.ServeHTTP(rec, req)
	var out bytes.Buffer
	err := replayTicket(context.Background(), store, id, at, true, &out)
	if rec.Code == http.StatusNotFound {
		if !errors.Is(err, application.ErrNotFound) {
			t.Fatalf("%s as of %s: HTTP 404, replay %v", id, at, err)
		}
		return
	}
	if rec.Code != http.StatusOK || err != nil {
		t.Fatalf("%s as of %s: HTTP %d %s, replay %v", id, at, rec.Code, rec.Body, err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	var last struct {
		AsOf   string          `json:"as_of"`
		Ticket json.RawMessage `json:"ticket"`
	}
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &last); err != nil {
		t.Fatal(err)
	}
	if last.AsOf != eventlog.Truncate(at).Format(eventlog.TimeFormat) {
		t.Fatalf("as_of line says %s, want %s", last.AsOf, at)
	}
	if got, want := string(last.Ticket), strings.TrimSpace(rec.Body.String()); got != want {
		t.Fatalf("%s as of %s:\nreplay %s\nHTTP   %s", id, at, got, want)
	}
	// Every line before the last is one event at or before the moment, in version order.
	for i, l := range lines[:len(lines)-1] {
		var step struct {
			Event struct {
				Version    int64  `json:"version"`
				OccurredAt string `json:"occurred_at"`
			} `json:"event"`
		}
		if err := json.Unmarshal([]byte(l), &step); err != nil {
			t.Fatal(err)
		}
		when, _ := time.Parse(time.RFC3339Nano, step.Event.OccurredAt)
		if step.Event.Version != int64(i) || when.After(eventlog.Truncate(at)) {
			t.Fatalf("line %d: version %d at %s, as of %s", i, step.Event.Version, when, at)
		}
	}
}

// TestReplayTextByNumber: a ticket number (in any case) finds the ticket; the text shows
// every event with its actor and type, then the state after it.
func TestReplayTextByNumber(t *testing.T) {
	ctx := context.Background()
	store := memstore.New()
	h := buildHistory(t, store, 3, 3, 60)
	id, err := resolveTicket(ctx, store, strings.ToLower(h.numbers[1]))
	if err != nil || id != h.tickets[1] {
		t.Fatalf("resolve %s: %s, %v; want %s", h.numbers[1], id, err, h.tickets[1])
	}
	if _, err := resolveTicket(ctx, store, "TK-000000"); !errors.Is(err, application.ErrNotFound) {
		t.Fatalf("unknown number: %v", err)
	}
	var out bytes.Buffer
	if err := replayTicket(ctx, store, id, time.Time{}, false, &out); err != nil {
		t.Fatal(err)
	}
	recs, _ := store.ReadStream(ctx, eventlog.TicketStream(id))
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2*len(recs) {
		t.Fatalf("%d lines for %d events:\n%s", len(lines), len(recs), out.String())
	}
	for i, r := range recs {
		ev, state := lines[2*i], lines[2*i+1]
		if !strings.Contains(ev, r.Type) || !strings.Contains(ev, r.Meta.Actor) || !strings.HasPrefix(ev, "v"+itoa(r.Version)) {
			t.Fatalf("event line %q does not show v%d %s by %s", ev, r.Version, r.Type, r.Meta.Actor)
		}
		if !strings.Contains(state, "(version "+itoa(r.Version)+")") {
			t.Fatalf("state line %q is not the state after v%d", state, r.Version)
		}
	}
	if strings.Contains(out.String(), "access_code_hash") {
		t.Fatal("the replay shows the access code's hash")
	}
}

func itoa(v int64) string { b, _ := json.Marshal(v); return string(b) }
