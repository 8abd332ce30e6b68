package command_test

import (
	"context"
	"errors"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/adapters/eventstore/memstore"
	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/auth"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/application/eventstoretest"
	"github.com/ticketengine/ticketengine/domain"
)

// spyStore counts stream reads (whole, and from which version) and can run a hook before
// an append: the place where another process's write lands in a race.
type spyStore struct {
	eventlog.EventStore
	mu           sync.Mutex
	whole        map[string]int     // ReadStream and ReadStreamFrom(…, 0) calls per stream
	tails        map[string][]int64 // ReadStreamFrom calls from > 0, per stream
	beforeAppend func(stream string)
	failAppend   error // returned (once) instead of appending
}

func newSpyStore(s eventlog.EventStore) *spyStore {
	return &spyStore{EventStore: s, whole: map[string]int{}, tails: map[string][]int64{}}
}

func (s *spyStore) ReadStream(ctx context.Context, stream string) ([]eventlog.Record, error) {
	s.mu.Lock()
	s.whole[stream]++
	s.mu.Unlock()
	return s.EventStore.ReadStream(ctx, stream)
}

func (s *spyStore) ReadStreamFrom(ctx context.Context, stream string, from int64) ([]eventlog.Record, error) {
	s.mu.Lock()
	if from <= 0 {
		s.whole[stream]++
	} else {
		s.tails[stream] = append(s.tails[stream], from)
	}
	s.mu.Unlock()
	return s.EventStore.ReadStreamFrom(ctx, stream, from)
}

func (s *spyStore) Append(ctx context.Context, stream string, expected int64, recs []eventlog.Record) ([]eventlog.Record, error) {
	s.mu.Lock()
	hook, fail := s.beforeAppend, s.failAppend
	s.beforeAppend, s.failAppend = nil, nil
	s.mu.Unlock()
	if hook != nil {
		hook(stream)
	}
	if fail != nil {
		return nil, fail
	}
	return s.EventStore.Append(ctx, stream, expected, recs)
}

func (s *spyStore) reads(stream string) (whole int, tails []int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.whole[stream], append([]int64(nil), s.tails[stream]...)
}

// commandsOn builds commands on a store with a stream cache of cacheSize streams (0: none),
// as one process of several sharing the store would.
func commandsOn(t *testing.T, store eventlog.EventStore, clock application.Clock, cacheSize int) *command.Commands {
	t.Helper()
	secrets, err := auth.NewSecrets(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	return command.NewCommands(command.Config{Store: store, Clock: clock, Policy: domain.DefaultSLAPolicy(), Secrets: secrets, StreamCacheSize: cacheSize})
}

func newClock() *eventstoretest.Clock {
	return eventstoretest.NewClock(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
}

// storedTicket folds the ticket's stream as stored, and checks its hash chain.
func storedTicket(t *testing.T, store eventlog.EventStore, id uuid.UUID) domain.TicketState {
	t.Helper()
	recs, err := store.ReadStream(context.Background(), eventlog.TicketStream(id))
	if err != nil {
		t.Fatal(err)
	}
	v := eventlog.NewChainVerifier()
	for _, r := range recs {
		v.Add(r)
	}
	if len(v.Problems) != 0 {
		t.Fatalf("chain problems: %v", v.Problems)
	}
	tk, err := command.FoldTicket(recs)
	if err != nil {
		t.Fatal(err)
	}
	return tk.State()
}

func reply(c *command.Commands, id uuid.UUID, body string, meta command.CommandMeta) (command.TicketResult, error) {
	return c.Reply.Handle(context.Background(), command.ReplyToTicket{TicketID: id, Body: body, Public: true}, meta)
}

func mustReply(t *testing.T, c *command.Commands, id uuid.UUID, body string, meta command.CommandMeta) command.TicketResult {
	t.Helper()
	res, err := reply(c, id, body, meta)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func sameState(t *testing.T, what string, got, want domain.TicketState) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got %+v\nwant %+v", what, got, want)
	}
}

// With the cache, every command answers with the state the whole stream folds to, and
// after the first it reads only the records after the version it holds.
func TestStreamCacheFoldsOnlyTheTail(t *testing.T) {
	spy := newSpyStore(memstore.New())
	clock := newClock()
	c := commandsOn(t, spy, clock, 100)
	var id uuid.UUID
	steps := 0
	ticketLife(t, c, clock, func(step string, got domain.TicketState) {
		steps++
		id = got.ID
		sameState(t, step, got, storedTicket(t, spy.EventStore, id))
	})
	whole, tails := spy.reads(eventlog.TicketStream(id))
	if whole != 1 || len(tails) != steps-1 {
		t.Fatalf("%d commands read the ticket whole %d times and as a tail %d times; want once whole (the receipt), then tails", steps, whole, len(tails))
	}
	for i, from := range tails {
		if from != int64(i+1) {
			t.Errorf("command %d read from version %d, want %d (after the state it answered last)", i+2, from, i+1)
		}
	}
}

func TestStreamCacheAgents(t *testing.T) {
	spy := newSpyStore(memstore.New())
	c := commandsOn(t, spy, newClock(), 100)
	ctx := context.Background()
	reg, err := c.RegisterAgent.Handle(ctx, command.RegisterAgent{Name: "Ann", Email: "ann@example.com", Capacity: 3, Skills: []string{"hw", "de"}}, command.CommandMeta{Actor: "admin"})
	if err != nil {
		t.Fatal(err)
	}
	for i, online := range []bool{true, false, true} {
		got, err := c.SetPresence.Handle(ctx, command.SetAgentPresence{AgentID: reg.Agent.ID, Online: online}, staff)
		if err != nil {
			t.Fatal(err)
		}
		want, err := command.LoadAgent(ctx, spy.EventStore, reg.Agent.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) || got.Version != int64(i+1) {
			t.Fatalf("presence %d answered %+v, stored %+v", i, got, want)
		}
	}
	if whole, tails := spy.reads(eventlog.AgentStream(reg.Agent.ID)); whole != 1 || len(tails) != 3 {
		t.Fatalf("agent stream read whole %d times, as a tail %d times; want 1 and 3", whole, len(tails))
	}
}

// Two processes (two command sets on one store, with and without a cache of their own): each
// command sees what the other appended since, and continues the hash chain from it.
func TestStreamCacheSeesAnotherProcessesAppends(t *testing.T) {
	for _, otherCache := range []int{100, 0} {
		t.Run(map[int]string{100: "OtherCached", 0: "OtherUncached"}[otherCache], func(t *testing.T) {
			store := memstore.New()
			clock := newClock()
			a, b := commandsOn(t, store, clock, 100), commandsOn(t, store, clock, otherCache)
			ctx := context.Background()
			id := receive(t, a, staff).Ticket.ID
			mustReply(t, a, id, "first", staff)
			if _, err := b.Classify.Handle(ctx, command.ClassifyTicket{TicketID: id, ClassifyTicket: domain.ClassifyTicket{Category: "hw", Priority: domain.P1}}, staff); err != nil {
				t.Fatal(err)
			}
			mustReply(t, b, id, "from b", staff)
			clock.Advance(time.Minute)
			got := mustReply(t, a, id, "second", staff)
			if got.Ticket.Version != 4 || got.Ticket.Category != "hw" || got.Ticket.PublicReplies != 3 {
				t.Fatalf("a answered version %d, category %q, %d replies; want 4, hw, 3", got.Ticket.Version, got.Ticket.Category, got.Ticket.PublicReplies)
			}
			sameState(t, "a after b's changes", got.Ticket, storedTicket(t, store, id))
			got = mustReply(t, b, id, "b again", staff)
			sameState(t, "b after a's reply", got.Ticket, storedTicket(t, store, id))
			if got.Ticket.Version != 5 {
				t.Fatalf("b answered version %d, want 5", got.Ticket.Version)
			}
		})
	}
}

// An append that loses a race to another process: the retry reads the whole stream
// (not the cached state) and lands after the other write.
func TestStreamCacheLostRaceRetriesOnTheWholeStream(t *testing.T) {
	spy := newSpyStore(memstore.New())
	clock := newClock()
	a, b := commandsOn(t, spy, clock, 100), commandsOn(t, spy.EventStore, clock, 100)
	id := receive(t, a, staff).Ticket.ID
	mustReply(t, a, id, "first", staff)
	stream := eventlog.TicketStream(id)
	spy.beforeAppend = func(string) { mustReply(t, b, id, "b wins the race", staff) }
	wholeBefore, _ := spy.reads(stream)
	got := mustReply(t, a, id, "a loses, then retries", staff)
	if whole, _ := spy.reads(stream); whole != wholeBefore+1 {
		t.Errorf("the retry read the stream whole %d times, want once", whole-wholeBefore)
	}
	if got.Ticket.Version != 3 || got.Ticket.PublicReplies != 3 || got.Appended[0].Version != 3 {
		t.Fatalf("a answered version %d with %d replies, appended v%d; want 3, 3, v3", got.Ticket.Version, got.Ticket.PublicReplies, got.Appended[0].Version)
	}
	sameState(t, "after the retry", got.Ticket, storedTicket(t, spy.EventStore, id))
	// The cache holds the state the retry left; the next command builds on it.
	got = mustReply(t, a, id, "next", staff)
	sameState(t, "after the next command", got.Ticket, storedTicket(t, spy.EventStore, id))
}

// If-Match is checked against the stream's version including other processes' appends,
// also when they land between the read and the append.
func TestStreamCacheIfMatch(t *testing.T) {
	spy := newSpyStore(memstore.New())
	clock := newClock()
	a, b := commandsOn(t, spy, clock, 100), commandsOn(t, spy.EventStore, clock, 100)
	id := receive(t, a, staff).Ticket.ID
	mustReply(t, a, id, "first", staff) // a holds version 1
	mustReply(t, b, id, "b", staff)     // the stream is at 2
	at := func(v int64) command.CommandMeta {
		m := staff
		m.ExpectedVersion = &v
		return m
	}
	if _, err := reply(a, id, "stale", at(1)); !errors.Is(err, application.ErrPrecondition) {
		t.Fatalf("If-Match 1 at version 2: %v, want ErrPrecondition", err)
	}
	spy.beforeAppend = func(string) { mustReply(t, b, id, "b in between", staff) }
	if _, err := reply(a, id, "raced", at(2)); !errors.Is(err, application.ErrPrecondition) {
		t.Fatalf("If-Match 2, overtaken before the append: %v, want ErrPrecondition", err)
	}
	got, err := reply(a, id, "current", at(3))
	if err != nil {
		t.Fatalf("If-Match 3 at version 3: %v", err)
	}
	sameState(t, "after If-Match 3", got.Ticket, storedTicket(t, spy.EventStore, id))
}

// Idempotent repeats answer with the state as the first request left it, also after
// later changes and when the first request went to another process.
func TestStreamCacheIdempotentReplays(t *testing.T) {
	spy := newSpyStore(memstore.New())
	clock := newClock()
	a, b := commandsOn(t, spy, clock, 100), commandsOn(t, spy.EventStore, clock, 100)
	ctx := context.Background()
	id := receive(t, a, staff).Ticket.ID
	stream := eventlog.TicketStream(id)
	k1 := staff
	k1.IdempotencyKey, k1.RequestHash = "reply-1", "h1"
	first := mustReply(t, a, id, "hello", k1)

	again := mustReply(t, a, id, "hello", k1) // the key's records are the stream's last
	if !again.Replayed || len(again.Appended) != 0 {
		t.Fatalf("repeat: replayed %v, appended %d", again.Replayed, len(again.Appended))
	}
	sameState(t, "immediate repeat", again.Ticket, first.Ticket)

	if _, err := a.Classify.Handle(ctx, command.ClassifyTicket{TicketID: id, ClassifyTicket: domain.ClassifyTicket{Category: "hw", Priority: domain.P2}}, staff); err != nil {
		t.Fatal(err)
	}
	wholeBefore, _ := spy.reads(stream)
	later := mustReply(t, a, id, "hello", k1)
	if !later.Replayed || later.Ticket.Category != "" {
		t.Fatalf("repeat after a classification: replayed %v, category %q; want the state before it", later.Replayed, later.Ticket.Category)
	}
	sameState(t, "repeat after later changes", later.Ticket, first.Ticket)
	if whole, _ := spy.reads(stream); whole != wholeBefore+1 {
		t.Errorf("a repeat of an older request read the stream whole %d times, want once", whole-wholeBefore)
	}

	other := k1
	other.RequestHash = "h2"
	if _, err := reply(a, id, "something else", other); !errors.Is(err, application.ErrIdempotencyMismatch) {
		t.Fatalf("same key, other request: %v, want ErrIdempotencyMismatch", err)
	}

	// The first request went to b; a, holding an older state, finds it in the tail.
	k2 := staff
	k2.IdempotencyKey, k2.RequestHash = "reply-2", "h3"
	fromB := mustReply(t, b, id, "via b", k2)
	viaA := mustReply(t, a, id, "via b", k2)
	if !viaA.Replayed {
		t.Fatal("a repeated b's request as a new one")
	}
	sameState(t, "a repeating b's request", viaA.Ticket, fromB.Ticket)
	mustReply(t, b, id, "more", staff)
	viaA = mustReply(t, a, id, "via b", k2)
	sameState(t, "a repeating b's request after more changes", viaA.Ticket, fromB.Ticket)
	if all := storedTicket(t, spy.EventStore, id); all.PublicReplies != 3 {
		t.Fatalf("the store has %d replies, want 3 (hello, via b, more)", all.PublicReplies)
	}
}

// A failed append leaves nothing in the cache: the next command answers with the stored state.
func TestStreamCacheKeepsOnlyStoredStates(t *testing.T) {
	spy := newSpyStore(memstore.New())
	c := commandsOn(t, spy, newClock(), 100)
	id := receive(t, c, staff).Ticket.ID
	mustReply(t, c, id, "first", staff)
	spy.failAppend = errors.New("disk full")
	if _, err := reply(c, id, "lost", staff); err == nil {
		t.Fatal("the append failed, but the command did not")
	}
	got := mustReply(t, c, id, "second", staff)
	if got.Ticket.PublicReplies != 2 || got.Ticket.Version != 2 {
		t.Fatalf("answered %d replies at version %d, want 2 at 2", got.Ticket.PublicReplies, got.Ticket.Version)
	}
	sameState(t, "after a failed append", got.Ticket, storedTicket(t, spy.EventStore, id))
}

// Many goroutines in two processes race on one ticket: every acknowledged write is in the
// history, once, every answer is the stored state at its version, and the chain verifies.
func TestStreamCacheConcurrentCommands(t *testing.T) {
	store := memstore.New()
	clock := newClock()
	procs := []*command.Commands{commandsOn(t, store, clock, 100), commandsOn(t, store, clock, 100)}
	id := receive(t, procs[0], staff).Ticket.ID
	const writers, each = 12, 10
	var mu sync.Mutex
	answers := map[int64]domain.TicketState{}
	acked := map[uuid.UUID]bool{}
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				res, err := reply(procs[w%2], id, "racing", staff)
				if err != nil {
					if !errors.Is(err, application.ErrConflict) {
						t.Errorf("unexpected error: %v", err)
					}
					continue
				}
				mu.Lock()
				if _, dup := answers[res.Ticket.Version]; dup {
					t.Errorf("two commands answered version %d", res.Ticket.Version)
				}
				answers[res.Ticket.Version] = res.Ticket
				acked[res.Appended[0].ID] = true
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	recs, err := store.ReadStream(context.Background(), eventlog.TicketStream(id))
	if err != nil {
		t.Fatal(err)
	}
	for v, st := range answers {
		tk, err := command.FoldTicket(recs[:v+1])
		if err != nil {
			t.Fatal(err)
		}
		sameState(t, "an answer", st, tk.State())
	}
	for _, r := range recs[1:] {
		if !acked[r.ID] {
			t.Errorf("record v%d was stored but its command was not acknowledged", r.Version)
		}
		delete(acked, r.ID)
	}
	if len(acked) != 0 || len(answers) == 0 {
		t.Fatalf("%d acknowledged writes are not in the history (%d answered)", len(acked), len(answers))
	}
	storedTicket(t, store, id) // the chain verifies
}
