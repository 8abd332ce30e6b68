package policy_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/adapters/eventstore/memstore"
	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/auth"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/application/policy"
	"github.com/ticketengine/ticketengine/domain"
)

// fastPolicy: VIP P1 has 2 s to first response and 4 s to resolution; warnings at half.
func fastPolicy() domain.SLAPolicy {
	p := domain.DefaultSLAPolicy()
	p.WarningShare = 0.5
	p.Targets[domain.TierVIP][domain.P1] = domain.SLATarget{FirstResponse: 2 * time.Second, Resolution: 4 * time.Second}
	return p
}

// node is one running engine with its own command handlers, as one ticketd process has.
type node struct {
	engine *policy.Engine
	cmds   *command.Commands
	stop   context.CancelFunc
	// stopMail stops the node's notifier, as the process ending does.
	stopMail func()
	done     chan error
}

func startNode(t *testing.T, store eventlog.EventStore, o policy.Options) *node {
	t.Helper()
	o.Store = store
	if testing.Verbose() {
		o.Log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	if o.Policy.Targets == nil {
		o.Policy = fastPolicy()
	}
	if o.RetryAfter == 0 {
		o.RetryAfter = 200 * time.Millisecond
	}
	e := policy.New(o)
	stopMail := func() {}
	if n, ok := o.Notifier.(*policy.Notifier); ok {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { _ = n.Run(ctx); close(done) }()
		stopMail = func() { cancel(); <-done }
	}
	secrets, err := auth.NewSecrets(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	cmds := command.NewCommands(command.Config{Store: store, Clock: application.SystemClock{}, Policy: o.Policy, Secrets: secrets, Router: e.Router()})
	e.SetCommands(cmds)
	ctx, cancel := context.WithCancel(context.Background())
	n := &node{engine: e, cmds: cmds, stop: cancel, stopMail: stopMail, done: make(chan error, 1)}
	go func() { n.done <- e.Run(ctx) }()
	t.Cleanup(n.halt)
	return n
}

// halt stops the node and waits for it.
func (n *node) halt() {
	if n.stop == nil {
		return
	}
	n.stop()
	<-n.done
	n.stopMail()
	n.stop = nil
}

var staff = command.CommandMeta{Actor: "admin"}

func receive(t *testing.T, c *command.Commands, tier domain.Tier, subject string) uuid.UUID {
	t.Helper()
	res, err := c.Receive.Handle(context.Background(), command.ReceiveTicket{
		Channel: domain.ChannelEmail, Subject: subject, Body: "body",
		Customer: domain.Customer{Name: "Li Lei", Email: "li@example.com", Tier: tier},
	}, staff)
	if err != nil {
		t.Fatal(err)
	}
	return res.Ticket.ID
}

func classify(t *testing.T, c *command.Commands, id uuid.UUID, category string, prio domain.Priority, team string) {
	t.Helper()
	if _, err := c.Classify.Handle(context.Background(), command.ClassifyTicket{TicketID: id,
		ClassifyTicket: domain.ClassifyTicket{Category: category, Priority: prio, Team: team}}, staff); err != nil {
		t.Fatal(err)
	}
}

func events(t *testing.T, store eventlog.EventStore, id uuid.UUID) []eventlog.Record {
	t.Helper()
	recs, err := store.ReadStream(context.Background(), eventlog.TicketStream(id))
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// count counts the ticket's events of a type whose data has the given field values.
func count(t *testing.T, store eventlog.EventStore, id uuid.UUID, typ string, fields map[string]string) int {
	n := 0
	for _, r := range events(t, store, id) {
		if r.Type != typ {
			continue
		}
		var data map[string]any
		_ = json.Unmarshal(r.Data, &data)
		ok := true
		for k, v := range fields {
			if s, _ := data[k].(string); s != v {
				ok = false
			}
		}
		if ok {
			n++
		}
	}
	return n
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not within %s: %s", within, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func newStore() eventlog.EventStore { return memstore.New() }
