package policy_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/application/policy"
	"github.com/ticketengine/ticketengine/domain"
)

// calls is a webhook receiver: deliveries counted by X-Tickets-Event-ID, per relay.
type calls struct {
	mu    sync.Mutex
	total map[string]int
	by    map[string]map[string]int
}

type caller struct {
	c    *calls
	name string
	// hang: after this many deliveries, deliver one more and never answer (killed).
	hang int
}

func (s caller) Deliver(ctx context.Context, _ string, eventID string, _ []byte) error {
	s.c.mu.Lock()
	s.c.total[eventID]++
	if s.c.by[s.name] == nil {
		s.c.by[s.name] = map[string]int{}
	}
	s.c.by[s.name][eventID]++
	n := len(s.c.by[s.name])
	s.c.mu.Unlock()
	if s.hang > 0 && n > s.hang {
		<-ctx.Done()
		return ctx.Err()
	}
	return nil
}

func (c *calls) of(name string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.by[name])
}

func (c *calls) events() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.total)
}

func (c *calls) repeated() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := map[string]int{}
	for id, n := range c.total {
		if n > 1 {
			out[id] = n
		}
	}
	return out
}

// relayUnder runs a webhook relay under epoch until its stop is called; its error comes
// out of done.
func relayUnder(t *testing.T, store eventlog.EventStore, c *calls, p *checkpoints, name string, epoch uint64, hang int) (stop func(), done <-chan error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	r := &policy.WebhookRelay{Store: store, Sender: caller{c: c, name: name, hang: hang}, URL: "https://hooks.example/one",
		MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond, Epoch: epoch, Progress: p,
		Grace: 20 * time.Millisecond} // (a hanging call is let go soon: the relay is "killed")
	go func() { errc <- r.Run(ctx) }()
	t.Cleanup(cancel)
	return cancel, errc
}

func (c *checkpoints) epochNow() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.epoch
}

// A webhook relay's hand-over where the former holder wakes late (it still runs, not
// told that its lease ran out): the new holder's first save fences the progress row, so
// the former one's next check is refused and it calls no one (ErrFenced); every event is
// called once.
func TestAFormerWebhookRelayWakingLateCallsNoOne(t *testing.T) {
	store := newStore()
	n := startNode(t, store, policy.Options{Policy: domain.DefaultSLAPolicy()})
	c := &calls{total: map[string]int{}, by: map[string]map[string]int{}}
	p := &checkpoints{}
	_, aDone := relayUnder(t, store, c, p, "a", 1, 0)
	receive(t, n.cmds, domain.TierStandard, "one")
	eventually(t, 5*time.Second, "a calls", func() bool { return c.of("a") > 0 })
	before := c.of("a")

	relayUnder(t, store, c, p, "b", 2, 0)
	eventually(t, 5*time.Second, "b fenced the progress", func() bool { return p.epochNow() == 2 })
	receive(t, n.cmds, domain.TierStandard, "two")
	eventually(t, 5*time.Second, "b calls", func() bool { return c.of("b") > 0 })
	select {
	case err := <-aDone:
		if !errors.Is(err, policy.ErrFenced) {
			t.Fatalf("the former relay stopped with %v, want ErrFenced", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the former relay did not stop")
	}
	if c.of("a") != before {
		t.Fatalf("the former relay called %d events after the hand-over", c.of("a")-before)
	}
	if r := c.repeated(); len(r) != 0 {
		t.Fatalf("events called more than once: %v", r)
	}
}

// A relay killed while a call is in flight (delivered, never answered): the next holder
// calls that one event once more, and no other twice.
func TestANewWebhookRelayRepeatsOnlyTheCallInFlight(t *testing.T) {
	store := newStore()
	n := startNode(t, store, policy.Options{Policy: domain.DefaultSLAPolicy()})
	c := &calls{total: map[string]int{}, by: map[string]map[string]int{}}
	p := &checkpoints{}
	for range 3 {
		receive(t, n.cmds, domain.TierStandard, "before")
	}
	stopA, aDone := relayUnder(t, store, c, p, "a", 1, 2) // the third call hangs
	eventually(t, 5*time.Second, "a's call in flight", func() bool { return c.of("a") == 3 })
	stopA() // killed
	<-aDone
	relayUnder(t, store, c, p, "b", 2, 0)
	receive(t, n.cmds, domain.TierStandard, "after")
	eventually(t, 5*time.Second, "b calls the rest", func() bool { n := c.events(); return n > 3 && c.of("b") >= n-2 })
	time.Sleep(200 * time.Millisecond)
	r := c.repeated()
	if len(r) != 1 {
		t.Fatalf("repeated calls %v: want exactly the one in flight", r)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for id, k := range r {
		if k != 2 || c.by["a"][id] != 1 || c.by["b"][id] != 1 {
			t.Fatalf("event %s called %d times (a %d, b %d), want once by each", id, k, c.by["a"][id], c.by["b"][id])
		}
	}
}

// answerLate is a receiver whose answer to the call after the first `after` ones comes
// only once release is closed; a caller that gave up before (its context ended) never
// gets it, as over HTTP.
type answerLate struct {
	c       *calls
	after   int
	release chan struct{}
}

func (s answerLate) Deliver(ctx context.Context, _ string, eventID string, _ []byte) error {
	s.c.mu.Lock()
	s.c.total[eventID]++
	if s.c.by["a"] == nil {
		s.c.by["a"] = map[string]int{}
	}
	s.c.by["a"][eventID]++
	n := len(s.c.by["a"])
	s.c.mu.Unlock()
	if n <= s.after {
		return nil
	}
	select {
	case <-s.release:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// A relay stopped cleanly (SIGTERM: its context ends) while a call is in flight lets
// that call finish and records it before it returns (and so before the lease is
// released): the next holder calls nothing twice. Before, the call's context ended with
// the relay's, the answer was lost, the position saved stopped before that event, and
// the next holder delivered it again (seen in the cluster acceptance test).
func TestAStoppingWebhookRelayFinishesTheCallInHand(t *testing.T) {
	store := newStore()
	n := startNode(t, store, policy.Options{Policy: domain.DefaultSLAPolicy()})
	c := &calls{total: map[string]int{}, by: map[string]map[string]int{}}
	p := &checkpoints{}
	for range 3 {
		receive(t, n.cmds, domain.TierStandard, "before")
	}
	release := make(chan struct{})
	ctx, stopA := context.WithCancel(context.Background())
	a := &policy.WebhookRelay{Store: store, Sender: answerLate{c: c, after: 2, release: release}, URL: "https://hooks.example/one",
		MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond, Epoch: 1, Progress: p}
	aDone := make(chan error, 1)
	go func() { aDone <- a.Run(ctx) }()
	eventually(t, 5*time.Second, "a's third call in flight", func() bool { return c.of("a") == 3 })
	stopA() // SIGTERM
	time.Sleep(50 * time.Millisecond)
	select {
	case err := <-aDone:
		t.Fatalf("the relay returned (%v) with its call in flight", err)
	default:
	}
	close(release) // the receiver answers after the stop
	select {
	case <-aDone:
	case <-time.After(5 * time.Second):
		t.Fatal("the stopped relay did not return after its call was answered")
	}
	relayUnder(t, store, c, p, "b", 2, 0)
	receive(t, n.cmds, domain.TierStandard, "after")
	eventually(t, 5*time.Second, "b calls the new events", func() bool { return c.of("b") > 0 && c.events() == c.of("a")+c.of("b") })
	time.Sleep(200 * time.Millisecond)
	if r := c.repeated(); len(r) != 0 {
		t.Fatalf("events called again after a clean hand-over: %v", r)
	}
}
