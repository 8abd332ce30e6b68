// Package sessiontest is the conformance suite of auth.Sessions: every store of the desk's
// sessions (auth.MemorySessions, adapters/session/pgsessions) runs it from its own tests.
package sessiontest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/auth"
)

// Lifetimes are what a store under test is opened with: its clock and its limits.
type Lifetimes struct {
	Now            func() time.Time
	Idle, Absolute time.Duration
}

// Open makes a store with the lifetimes; two calls in one test may return two handles on
// one shared store (two nodes), or two independent stores (in memory): Run uses only one.
type Open func(t *testing.T, l Lifetimes) auth.Sessions

// clock is a test's time, moved by hand.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// Run checks a fresh store from open for every sub-test.
func Run(t *testing.T, open Open) {
	setup := func(t *testing.T) (auth.Sessions, *clock) {
		c := &clock{now: time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)}
		return open(t, Lifetimes{Now: c.Now, Idle: time.Hour, Absolute: 3 * time.Hour}), c
	}
	t.Run("StartAndAccount", func(t *testing.T) { s, _ := setup(t); testStartAndAccount(t, s) })
	t.Run("IdleAndAbsolute", func(t *testing.T) { s, c := setup(t); testIdleAndAbsolute(t, s, c) })
	t.Run("End", func(t *testing.T) { s, _ := setup(t); testEnd(t, s) })
	t.Run("EndAll", func(t *testing.T) { s, _ := setup(t); testEndAll(t, s) })
	t.Run("Concurrent", func(t *testing.T) { s, _ := setup(t); testConcurrent(t, s) })
}

func start(t *testing.T, s auth.Sessions, account uuid.UUID) string {
	t.Helper()
	id, err := s.Start(context.Background(), account)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// mustOpen says the session is live and its account's.
func mustOpen(t *testing.T, s auth.Sessions, id string, want uuid.UUID, what string) {
	t.Helper()
	got, err := s.Account(context.Background(), id)
	if err != nil || got != want {
		t.Fatalf("%s: account %v, %v; want %v", what, got, err, want)
	}
}

// mustNotOpen says the session is refused as unauthorized.
func mustNotOpen(t *testing.T, s auth.Sessions, id, what string) {
	t.Helper()
	if got, err := s.Account(context.Background(), id); !errors.Is(err, application.ErrUnauthorized) {
		t.Fatalf("%s: account %v, %v; want ErrUnauthorized", what, got, err)
	}
}

// testStartAndAccount: an id is 32 random bytes in base64url, each start a new one, and
// only a started id (not a near one, not the empty one) opens.
func testStartAndAccount(t *testing.T, s auth.Sessions) {
	a := uuid.New()
	one, two := start(t, s, a), start(t, s, a)
	if len(one) != 43 || one == two {
		t.Fatalf("ids %q and %q: want two different 43-character ids", one, two)
	}
	mustOpen(t, s, one, a, "the first session")
	mustOpen(t, s, two, a, "the second session")
	// Near ids: the last character (its 4 data bits; 'A' and 'E' are both canonical) and
	// one in the middle, each changed to another. (Changing the last one to 'A' was the id
	// itself once in 16 starts: a flaky test.)
	last, middle := byte('A'), byte('A')
	if one[42] == last {
		last = 'E'
	}
	if one[21] == middle {
		middle = 'B'
	}
	mustNotOpen(t, s, one[:42]+string(last), "an id with another last character")
	mustNotOpen(t, s, one[:21]+string(middle)+one[22:], "an id with another character in the middle")
	mustNotOpen(t, s, "", "the empty id")
	mustNotOpen(t, s, auth.HashSecret(one), "the stored hash presented as an id")
}

// testIdleAndAbsolute: a session lives while used within Idle, never beyond Absolute; one
// left alone for Idle ends, and stays ended when used again.
func testIdleAndAbsolute(t *testing.T, s auth.Sessions, c *clock) {
	a := uuid.New()
	id := start(t, s, a)
	for i := 0; i < 3; i++ { // used every 50 minutes: alive until the absolute limit (3 h)
		c.add(50 * time.Minute)
		mustOpen(t, s, id, a, "used within the idle limit")
	}
	c.add(50 * time.Minute)
	mustNotOpen(t, s, id, "past the absolute limit")

	idle := start(t, s, a)
	c.add(59 * time.Minute)
	mustOpen(t, s, idle, a, "used after 59 minutes")
	c.add(60 * time.Minute)
	mustNotOpen(t, s, idle, "idle for an hour")
	c.add(-30 * time.Minute) // an expired session does not come back, even to an earlier clock
	mustNotOpen(t, s, idle, "an expired session asked again")
}

// testEnd: sign-out ends that session only; ending an unknown or ended one is no error.
func testEnd(t *testing.T, s auth.Sessions) {
	ctx, a := context.Background(), uuid.New()
	one, two := start(t, s, a), start(t, s, a)
	if err := s.End(ctx, one); err != nil {
		t.Fatal(err)
	}
	mustNotOpen(t, s, one, "an ended session")
	mustOpen(t, s, two, a, "the account's other session")
	for _, id := range []string{one, "not-a-session", ""} {
		if err := s.End(ctx, id); err != nil {
			t.Fatalf("ending %q again: %v", id, err)
		}
	}
}

// testEndAll: deactivation ends every session of the account, no one else's; the account
// may sign in afresh after (a reactivation).
func testEndAll(t *testing.T, s auth.Sessions) {
	ctx, a, b := context.Background(), uuid.New(), uuid.New()
	ids := []string{start(t, s, a), start(t, s, a), start(t, s, a)}
	other := start(t, s, b)
	if err := s.EndAll(ctx, a); err != nil {
		t.Fatal(err)
	}
	for i, id := range ids {
		mustNotOpen(t, s, id, "session "+string(rune('1'+i))+" after EndAll")
	}
	mustOpen(t, s, other, b, "another account's session")
	if err := s.EndAll(ctx, uuid.New()); err != nil {
		t.Fatalf("EndAll of an account without sessions: %v", err)
	}
	mustOpen(t, s, start(t, s, a), a, "a new session after EndAll")
}

// testConcurrent: many browsers at once, each signed in, used and signed out, get their
// own sessions.
func testConcurrent(t *testing.T, s auth.Sessions) {
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a := uuid.New()
			id, err := s.Start(ctx, a)
			if err == nil {
				var got uuid.UUID
				if got, err = s.Account(ctx, id); err == nil && got != a {
					err = errors.New("a session opened another account")
				}
			}
			if err == nil {
				err = s.End(ctx, id)
			}
			if err == nil {
				if _, e := s.Account(ctx, id); !errors.Is(e, application.ErrUnauthorized) {
					err = errors.New("an ended session still opens")
				}
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}
