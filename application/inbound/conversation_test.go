package inbound_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/application/eventstoretest"
	"github.com/ticketengine/ticketengine/application/inbound"
	"github.com/ticketengine/ticketengine/domain"
)

// barrierStore holds the first n appends until all n have arrived (or a few seconds
// passed): n messages that decided at one moment append at one moment, the race two
// first messages of a conversation run on two nodes.
type barrierStore struct {
	eventlog.EventStore
	mu      sync.Mutex
	n       int
	arrived int
	open    chan struct{}
}

func (s *barrierStore) Append(ctx context.Context, stream string, expected int64, recs []eventlog.Record) ([]eventlog.Record, error) {
	s.mu.Lock()
	wait := s.arrived < s.n
	if wait {
		if s.arrived++; s.arrived == s.n {
			close(s.open)
		}
	}
	s.mu.Unlock()
	if wait {
		select {
		case <-s.open:
		case <-time.After(5 * time.Second):
		}
	}
	return s.EventStore.Append(ctx, stream, expected, recs)
}

// TestFirstMessagesOfAConversationAtOnceOpenOneTicket: several first messages of one
// conversation, taken at one moment, open one ticket; the others are replies on it.
func TestFirstMessagesOfAConversationAtOnceOpenOneTicket(t *testing.T) {
	f := newFixture(t)
	const n = 4
	store := &barrierStore{EventStore: f.store, n: n, open: make(chan struct{})}
	clock := eventstoretest.NewClock(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
	in := inbound.New(store, clock, inbound.Commands{Receive: f.cmds.Receive, Reply: f.cmds.CustomerReply, AutoMessage: f.cmds.AutoMessage}, nil)
	results := make([]inbound.Result, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = in.Take(context.Background(), chat(fmt.Sprintf("m%d", i), "c1", "wang@example.com", fmt.Sprintf("消息 %d", i)))
		}()
	}
	wg.Wait()
	opened, tickets := 0, map[uuid.UUID]bool{}
	for i, res := range results {
		if errs[i] != nil {
			t.Fatalf("take m%d: %v", i, errs[i])
		}
		tickets[res.TicketID] = true
		switch res.Outcome {
		case inbound.Opened:
			opened++
		case inbound.Replied:
		default:
			t.Errorf("m%d: %+v", i, res)
		}
	}
	if opened != 1 || len(tickets) != 1 {
		t.Fatalf("%d opened, on %d tickets; want 1 ticket, the others replies on it: %+v", opened, len(tickets), results)
	}
	received := 0
	recs, err := f.store.ReadAll(context.Background(), 0, 10_000)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if r.Type == domain.TypeTicketReceived {
			received++
		}
	}
	if received != 1 {
		t.Fatalf("%d tickets received, want 1", received)
	}
	for id := range tickets {
		if msgs := f.messages(t, id); len(msgs) != n {
			t.Fatalf("%d messages on the ticket, want %d", len(msgs), n)
		}
	}
	// The next message of the conversation goes to the same ticket.
	if next := f.take(t, chat("m9", "c1", "wang@example.com", "还有")); !tickets[next.TicketID] || next.Outcome != inbound.Replied {
		t.Fatalf("the next message: %+v", next)
	}
}
