package esdbtest_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	client "github.com/EventStore/EventStore-Client-Go/v4/esdb"
)

// messages renders a subscription's messages: E:<type> for an event, C for a
// checkpoint, U for caught up, B for fell behind.
func messages(sub *client.Subscription) <-chan string {
	out := make(chan string, 100)
	go func() {
		for {
			m := sub.Recv()
			switch {
			case m.EventAppeared != nil:
				out <- "E:" + m.EventAppeared.OriginalEvent().EventType
			case m.CheckPointReached != nil:
				out <- "C"
			case m.CaughtUp != nil:
				out <- "U"
			case m.FellBehind != nil:
				out <- "B"
			case m.SubscriptionDropped != nil:
				close(out)
				return
			}
		}
	}()
	return out
}

// take returns the next n messages, waiting up to 10 s for each, and then any that
// come within 300 ms more, so that an unexpected extra message shows.
func take(msgs <-chan string, n int) string {
	var out []string
	wait := 10 * time.Second
	for {
		if len(out) >= n {
			wait = 300 * time.Millisecond
		}
		select {
		case m, ok := <-msgs:
			if !ok {
				return strings.Join(append(out, "dropped"), " ")
			}
			out = append(out, m)
		case <-time.After(wait):
			return strings.Join(out, " ")
		}
	}
}

// TestFilteredSubscriptionToAll: confirmation (inside SubscribeToAll), the stored
// events that pass the filter, a checkpoint every window × multiplier considered events
// and one when caught up, CaughtUp, then live events.
func TestFilteredSubscriptionToAll(t *testing.T) {
	_, c := connect(t)
	for _, s := range []string{"keep-1", "skip-1", "keep-2", "skip-2", "skip-3"} {
		if err := appendTo(c, s, client.Any{}, ev(uuid.New(), s)); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sub, err := c.SubscribeToAll(ctx, client.SubscribeToAllOptions{
		From:            client.Start{},
		Filter:          &client.SubscriptionFilter{Type: client.StreamFilterType, Prefixes: []string{"keep-"}},
		MaxSearchWindow: 2, CheckpointInterval: 1,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	msgs := messages(sub)
	// $all: $epoch-information, keep-1, skip-1, keep-2, skip-2, skip-3 (6 considered).
	if got, want := take(msgs, 6), "E:keep-1 C E:keep-2 C C U"; got != want {
		t.Fatalf("catch-up: got %q, want %q", got, want)
	}
	if err := appendTo(c, "keep-3", client.Any{}, ev(uuid.New(), "keep-3")); err != nil {
		t.Fatal(err)
	}
	if got, want := take(msgs, 1), "E:keep-3"; got != want {
		t.Fatalf("live: got %q, want %q", got, want)
	}
}

// TestSubscriptionStarts: a start position or revision is exclusive, End is live only,
// and the event-type filter takes a regex.
func TestSubscriptionStarts(t *testing.T) {
	_, c := connect(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for _, typ := range []string{"A1", "B1", "A2"} {
		if err := appendTo(c, "s", client.Any{}, ev(uuid.New(), typ)); err != nil {
			t.Fatal(err)
		}
	}
	rs, err := c.ReadStream(ctx, "s", client.ReadStreamOptions{}, 10)
	evs := drain{t}.all(rs, err)
	fromRev, err := c.SubscribeToStream(ctx, "s", client.SubscribeToStreamOptions{From: client.Revision(0)})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := take(messages(fromRev), 3), "E:B1 E:A2 U"; got != want {
		t.Errorf("stream from revision 0: got %q, want %q", got, want)
	}
	fromPos, err := c.SubscribeToAll(ctx, client.SubscribeToAllOptions{From: evs[0].Position,
		Filter: &client.SubscriptionFilter{Type: client.EventFilterType, Regex: "^A"}})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := take(messages(fromPos), 3), "E:A2 C U"; got != want {
		t.Errorf("$all from a position, types ^A: got %q, want %q", got, want)
	}
	live, err := c.SubscribeToAll(ctx, client.SubscribeToAllOptions{}) // the client's default: End
	if err != nil {
		t.Fatal(err)
	}
	liveMsgs := messages(live)
	if got, want := take(liveMsgs, 1), "U"; got != want {
		t.Errorf("$all from the end: got %q, want %q", got, want)
	}
	if err := appendTo(c, "s", client.Any{}, ev(uuid.New(), "A3")); err != nil {
		t.Fatal(err)
	}
	if got, want := take(liveMsgs, 1), "E:A3"; got != want {
		t.Errorf("$all from the end, live: got %q, want %q", got, want)
	}
}
