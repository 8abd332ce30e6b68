// Package readmodeltest is the conformance suite of projections.Store: every read-model
// store runs it (memory, PostgreSQL). Its histories are written by the real command
// handlers on an in-memory event store with a fake clock, so the read models are checked
// against what the write side really records.
package readmodeltest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/access"
	"github.com/ticketengine/ticketengine/application/auth"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/application/eventstoretest"
	"github.com/ticketengine/ticketengine/domain"
)

// Clock is the module's fake clock, which tests move by hand.
type Clock = eventstoretest.Clock

// NewClock starts a clock at t.
func NewClock(t time.Time) *Clock { return eventstoretest.NewClock(t) }

// World is an event store with the command handlers that write to it.
type World struct {
	Events   eventlog.EventStore
	Clock    *Clock
	Commands *command.Commands
	Tickets  []command.ReceivedTicket
	Agents   []domain.AgentState
}

// Epoch is when every test history starts.
var Epoch = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// NewWorld returns an empty world at Epoch.
func NewWorld(t testing.TB, events eventlog.EventStore) *World {
	secrets, err := auth.NewSecrets([]byte("readmodeltest-key-0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	w := &World{Events: events, Clock: NewClock(Epoch)}
	w.Commands = command.NewCommands(command.Config{
		Store: w.Events, Clock: w.Clock, Policy: domain.DefaultSLAPolicy(), Secrets: secrets,
	})
	return w
}

var meta = command.CommandMeta{Actor: "admin"}

// Agent registers an agent and takes it online.
func (w *World) Agent(t testing.TB, name, team string) domain.AgentState {
	ctx := context.Background()
	a, err := w.Commands.RegisterAgent.Handle(ctx, command.RegisterAgent{
		Name: name, Email: fmt.Sprintf("agent%d@example.com", len(w.Agents)), Team: team,
		Skills: []string{"billing"}, Capacity: 10,
	}, meta)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Commands.SetPresence.Handle(ctx, command.SetAgentPresence{AgentID: a.Agent.ID, Online: true}, meta); err != nil {
		t.Fatal(err)
	}
	w.Agents = append(w.Agents, a.Agent)
	return a.Agent
}

// Receive opens a ticket for a customer.
func (w *World) Receive(t testing.TB, tier domain.Tier, channel domain.Channel, subject, body string) command.ReceivedTicket {
	n := len(w.Tickets)
	r, err := w.Commands.Receive.Handle(context.Background(), command.ReceiveTicket{
		Channel: channel, Subject: subject, Body: body,
		Customer: domain.Customer{ID: fmt.Sprintf("c%d", n), Name: fmt.Sprintf("客户 %d", n), Email: fmt.Sprintf("customer%d@example.com", n), Tier: tier},
	}, meta)
	if err != nil {
		t.Fatal(err)
	}
	w.Tickets = append(w.Tickets, r)
	return r
}

// Random writes a randomized history: agents, tickets and `commands` commands of every
// kind on random tickets, with the clock moving on between them. Commands the domain
// refuses (a transition not allowed now) are part of life and are skipped.
func Random(t testing.TB, events eventlog.EventStore, seed uint64, tickets, commands int) *World {
	w := NewWorld(t, events)
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	teams := []string{"support", "billing", "tech"}
	for i := range 8 {
		w.Agent(t, fmt.Sprintf("Agent %d 张", i), teams[i%len(teams)])
	}
	tiers := []domain.Tier{domain.TierVIP, domain.TierCore, domain.TierStandard}
	channels := []domain.Channel{domain.ChannelEmail, domain.ChannelWeb, domain.ChannelChat, domain.ChannelPhone, domain.ChannelAPI}
	for i := range tickets {
		w.Receive(t, tiers[rng.IntN(len(tiers))], channels[rng.IntN(len(channels))], fmt.Sprintf("问题 %d", i), "body")
		w.Clock.Advance(time.Duration(rng.IntN(600)) * time.Second)
	}
	for range commands {
		w.randomCommand(t, rng, teams)
		w.Clock.Advance(time.Duration(rng.IntN(1800)) * time.Second)
	}
	return w
}

// RandomCommand runs one random command of any kind.
func (w *World) RandomCommand(t testing.TB, rng *rand.Rand) {
	w.randomCommand(t, rng, []string{"support", "billing", "tech"})
	w.Clock.Advance(time.Duration(rng.IntN(600)) * time.Second)
}

func (w *World) randomCommand(t testing.TB, rng *rand.Rand, teams []string) {
	ctx := context.Background()
	id := w.Tickets[rng.IntN(len(w.Tickets))].Ticket.ID
	agent := w.Agents[rng.IntN(len(w.Agents))]
	prios := []domain.Priority{domain.P1, domain.P2, domain.P3, domain.P4}
	c := w.Commands
	var err error
	switch rng.IntN(16) {
	case 0:
		category := []string{"billing", "login", "bug"}[rng.IntN(3)]
		_, err = c.Classify.Handle(ctx, command.ClassifyTicket{TicketID: id, ClassifyTicket: domain.ClassifyTicket{
			Category: category, Priority: prios[rng.IntN(4)], Team: teams[rng.IntN(len(teams))]}}, meta)
		if err == nil { // the category as a tag too, the others' removed: tags come and go
			_, err = c.Tags.Handle(ctx, randomTags(id, category), meta)
			err = ignoreClosed(err)
		}
	case 1:
		_, err = c.Reprioritize.Handle(ctx, command.ReprioritizeTicket{TicketID: id, Priority: prios[rng.IntN(4)]}, meta)
	case 2, 3:
		_, err = c.Assign.Handle(ctx, command.AssignTicket{TicketID: id, AgentID: agent.ID}, meta)
	case 4:
		_, err = c.Escalate.Handle(ctx, command.EscalateTicket{TicketID: id, EscalateTicket: domain.EscalateTicket{Team: teams[rng.IntN(len(teams))], Reason: "needs a specialist"}}, meta)
	case 5, 6:
		_, err = c.Reply.Handle(ctx, command.ReplyToTicket{TicketID: id, Body: "we are on it", Public: rng.IntN(3) > 0}, meta)
	case 7:
		_, err = c.Wait.Handle(ctx, command.WaitOnCustomer{TicketID: id, Reason: "logs please"}, meta)
	case 8, 9:
		_, err = c.Resolve.Handle(ctx, command.ResolveTicket{TicketID: id, Resolution: "fixed"}, meta)
	case 10:
		_, err = c.Reopen.Handle(ctx, command.ReopenTicket{TicketID: id, Reason: "not fixed"}, meta)
	case 11:
		_, err = c.Close.Handle(ctx, command.CloseTicket{TicketID: id}, meta)
	case 12:
		_, err = c.CustomerReply.Handle(ctx, command.CustomerReply{TicketID: id, Body: "any news?"}, command.CommandMeta{Actor: access.Customer.Actor()})
	case 13:
		score := 1 + rng.IntN(5)
		nps := score*2 + score%2 - 1 // 1..10 by the score, so that the random stream is unchanged
		_, err = c.Rate.Handle(ctx, command.RateTicket{TicketID: id, Score: score, NPS: &nps, Comment: "ok"}, command.CommandMeta{Actor: access.Customer.Actor()})
	case 14:
		clock := []string{domain.ClockFirstResponse, domain.ClockResolution}[rng.IntN(2)]
		_, err = c.CheckSLA.Handle(ctx, command.CheckSLA{TicketID: id, Clock: clock}, command.CommandMeta{Actor: command.SystemActor})
	case 15:
		_, err = c.SetPresence.Handle(ctx, command.SetAgentPresence{AgentID: agent.ID, Online: rng.IntN(2) == 0}, meta)
	}
	if err != nil && !errors.Is(err, domain.ErrInvalidTransition) {
		t.Fatalf("command: %v", err)
	}
}

// randomTags tags a ticket with its category and a "Support " tag (normalised to
// "support"), and removes the other categories.
func randomTags(id uuid.UUID, category string) command.ChangeTicketTags {
	c := command.ChangeTicketTags{TicketID: id, Add: []string{category, "Support "}}
	for _, o := range []string{"billing", "login", "bug"} {
		if o != category {
			c.Remove = append(c.Remove, o)
		}
	}
	return c
}

// ignoreClosed drops the refusal of a closed ticket (tags stay as they were).
func ignoreClosed(err error) error {
	if errors.Is(err, domain.ErrInvalidTransition) {
		return nil
	}
	return err
}

// All returns every record of the world's event store, in global order.
func (w *World) All(t testing.TB) []eventlog.Record {
	var out []eventlog.Record
	for {
		recs, err := w.Events.ReadAll(context.Background(), uint64(len(out)), 10_000)
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) == 0 {
			return out
		}
		out = append(out, recs...)
	}
}

// TicketID returns the id of the i-th ticket received.
func (w *World) TicketID(i int) uuid.UUID { return w.Tickets[i].Ticket.ID }
