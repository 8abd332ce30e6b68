package main

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/cmd/internal/service"
	"github.com/ticketengine/ticketengine/domain"
)

// The crash test: the real ticketd under load from concurrent HTTP writers is SIGKILLed,
// restarted on the same data, and must still hold every command it acknowledged, with
// every hash chain intact.

const (
	crashWriters = 8
	crashAfter   = 1500 * time.Millisecond
	// minAcks: fewer acknowledged commands before the kill and the test would prove little.
	minAcks = 30
)

func TestCrashEmbeddedStore(t *testing.T) {
	testCrash(t, service.Config{Data: t.TempDir()})
}

func TestCrashPostgresStore(t *testing.T) {
	testCrash(t, service.Config{EventStore: freshPostgresSchema(t), Data: t.TempDir()})
}

func daemonArgs(cfg service.Config) []string {
	args := []string{"--data", cfg.Data}
	if cfg.EventStore != "" {
		args = append(args, "--eventstore", cfg.EventStore)
	}
	return args
}

func testCrash(t *testing.T, cfg service.Config) {
	token := "adm_" + uuid.NewString()
	env := daemonEnv("TICKETS_ADMIN_TOKEN=" + token)
	first := startDaemon(t, env, daemonArgs(cfg)...)
	agentID, agentToken := registerAgent(t, newAPI(first.base, token), "刘洋")

	ctx, stop := context.WithCancel(context.Background())
	wait := runLoad(ctx, newAPI(first.base, agentToken), agentID, crashWriters)
	time.Sleep(crashAfter)
	first.Kill()
	stop()
	log := wait()
	if len(log.unexpected) > 0 {
		t.Fatalf("%d unexpected answers before the kill, first: %s", len(log.unexpected), log.unexpected[0])
	}
	if len(log.acks) < minAcks {
		t.Fatalf("only %d commands acknowledged before the kill; the test proves nothing", len(log.acks))
	}

	second := startDaemon(t, env, daemonArgs(cfg)...)
	admin := newAPI(second.base, token)
	tickets := checkAcks(t, admin, log.acks)
	retried := retryCut(t, newAPI(second.base, agentToken), admin, log.cut)
	maps.Copy(tickets, checkAcks(t, admin, retried))
	more := writeAfterRestart(t, admin, tickets)
	checkAcks(t, admin, more)
	if code := second.terminate(t, 30*time.Second); code != 0 {
		t.Fatalf("SIGTERM: exit code %d, want 0", code)
	}
	events := verifyStore(t, cfg, slices.Concat(log.acks, retried, more), agentID)
	t.Logf("%d commands acknowledged on %d tickets before SIGKILL after %v, %d requests cut (%d retried after the restart); %d events in the store after restart",
		len(log.acks), len(tickets), crashAfter, len(log.cut), len(retried), events)
}

// checkAcks checks through the API that every acknowledged command is there: the ticket
// is at least at the acknowledged version, the event at that version is the command's, a
// command sent with an Idempotency-Key is there exactly once, and the ticket's hash chain
// verifies. The API does not show request_hash, which the hash covers for commands with a
// key, so those tickets' chains are verified only in the store (verifyStore). It returns
// each ticket's status.
func checkAcks(t *testing.T, admin api, acks []ack) map[string]string {
	t.Helper()
	byTicket := map[string][]ack{}
	for _, a := range acks {
		byTicket[a.ticket] = append(byTicket[a.ticket], a)
	}
	status := map[string]string{}
	for id, as := range byTicket {
		view := admin.must(t, http.StatusOK, http.MethodGet, "/tickets/"+id, nil)
		version, err := view.version()
		if err != nil {
			t.Fatal(err)
		}
		status[id], _ = view.Body["status"].(string)
		events := admin.ticketEvents(t, id)
		if int64(len(events)) != version+1 {
			t.Errorf("ticket %s at version %d has %d events", id, version, len(events))
		}
		if !anyKeyed(events) {
			verifyChain(t, "ticket-"+id, events)
		}
		for _, a := range as {
			if a.key != "" {
				checkOnce(t, id, a.key, events)
			}
			if a.version > version {
				t.Errorf("ticket %s: acknowledged version %d (%s), but after restart it is at %d", id, a.version, a.event, version)
			} else if got := events[a.version].Type; got != a.event {
				t.Errorf("ticket %s v%d: event %s, acknowledged %s", id, a.version, got, a.event)
			}
		}
	}
	return status
}

func anyKeyed(events []eventJSON) bool {
	for _, e := range events {
		if e.IdempotencyKey != "" {
			return true
		}
	}
	return false
}

// checkOnce checks that the command sent with key appended its event once, however often
// it was sent.
func checkOnce(t *testing.T, ticket, key string, events []eventJSON) {
	t.Helper()
	n := 0
	for _, e := range events {
		if e.IdempotencyKey == key {
			n++
		}
	}
	if n != 1 {
		t.Errorf("ticket %s: %d events with Idempotency-Key %s, want 1", ticket, n, key)
	}
}

// retryCut sends again, as the same agent and with the same Idempotency-Key, each keyed
// request the crash cut: whether or not the first attempt was stored, the retry must
// succeed, and checkAcks then finds its event exactly once.
func retryCut(t *testing.T, agent, admin api, cut []command) []ack {
	t.Helper()
	var acks []ack
	stored := 0 // cut commands on existing tickets whose first attempt was stored
	for _, cmd := range cut {
		if cmd.key == "" {
			continue
		}
		if cmd.ticket != "" {
			for _, e := range admin.ticketEvents(t, cmd.ticket) {
				if e.IdempotencyKey == cmd.key {
					stored++
				}
			}
		}
		ans, err := agent.call(context.Background(), http.MethodPost, cmd.path, cmd.body, "Idempotency-Key", cmd.key)
		if err != nil {
			t.Fatalf("retry %s: %v", cmd.path, err)
		}
		a, err := acknowledged(ans, cmd)
		if err != nil {
			t.Fatalf("retry after the restart: %v", err)
		}
		acks = append(acks, a)
	}
	t.Logf("%d keyed requests retried after the restart; on existing tickets, %d had been stored before the kill without an answer", len(acks), stored)
	return acks
}

// verifyChain runs the events of one stream, as the API shows them, through the verifier.
func verifyChain(t *testing.T, stream string, events []eventJSON) {
	t.Helper()
	v := eventlog.NewChainVerifier()
	for _, e := range events {
		r, err := e.record(stream)
		if err != nil {
			t.Fatalf("%s v%d: %v", stream, e.Version, err)
		}
		v.Add(r)
	}
	for _, p := range v.Problems {
		t.Errorf("hash chain: %s", p)
	}
}

// writeAfterRestart continues the chains the crash cut: a reply on each ticket still open
// (up to ten), and one new ticket. It returns the new acknowledgements.
func writeAfterRestart(t *testing.T, admin api, status map[string]string) []ack {
	t.Helper()
	var acks []ack
	for id, s := range status {
		if s == string(domain.StatusResolved) || s == string(domain.StatusClosed) || len(acks) == 10 {
			continue
		}
		ans := admin.must(t, http.StatusOK, http.MethodPost, "/tickets/"+id+"/replies", map[string]any{"body": "still here after the restart"})
		v, err := ans.version()
		if err != nil {
			t.Fatal(err)
		}
		acks = append(acks, ack{ticket: id, version: v, event: domain.TypeTicketReplied})
	}
	ans := admin.must(t, http.StatusCreated, http.MethodPost, "/tickets", newTicketBody(-1, 0))
	id, _ := ans.Body["id"].(string)
	return append(acks, ack{ticket: id, version: 0, event: domain.TypeTicketReceived})
}

// verifyStore opens the store directly, after ticketd has stopped, and checks every
// stream's chain (tickets, agents, tokens, ticket numbers), that positions only grow, and
// that every acknowledged event is stored. It returns the number of events.
func verifyStore(t *testing.T, cfg service.Config, acks []ack, agentID string) int {
	t.Helper()
	ctx := context.Background()
	store, err := service.OpenEventStore(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	verifier := eventlog.NewChainVerifier()
	stored := map[string]string{}
	var after uint64
	for {
		page, err := store.ReadAll(ctx, after, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		for _, r := range page {
			if r.Position <= after {
				t.Fatalf("position %d after %d", r.Position, after)
			}
			after = r.Position
			verifier.Add(r)
			stored[fmt.Sprintf("%s@%d", r.Stream, r.Version)] = r.Type
		}
	}
	for _, p := range verifier.Problems {
		t.Errorf("stored hash chain: %s", p)
	}
	if stored[fmt.Sprintf("agent-%s@0", agentID)] != domain.TypeAgentRegistered {
		t.Errorf("the agent registered before the crash is not stored")
	}
	for _, a := range acks {
		if got := stored[fmt.Sprintf("ticket-%s@%d", a.ticket, a.version)]; got != a.event {
			t.Errorf("ticket %s v%d: stored %q, acknowledged %s", a.ticket, a.version, got, a.event)
		}
	}
	return len(stored)
}
