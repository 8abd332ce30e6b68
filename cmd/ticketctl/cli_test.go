package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/adapters/eventstore/memstore"

	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/cmd/internal/service"
)

// cliResult is what one ticketctl invocation printed and returned.
type cliResult struct {
	code           int
	stdout, stderr string
}

// runCLI runs ticketctl with args against the store open returns (a fresh handle each
// time, as a real invocation opens and closes the store).
func runCLI(t *testing.T, open func() eventlog.EventStore, stdin string, args ...string) cliResult {
	t.Helper()
	var out, errOut bytes.Buffer
	c := &cli{
		stdin: bytes.NewBufferString(stdin), stdout: &out, stderr: &errOut,
		open: func(context.Context, service.Config) (eventlog.EventStore, error) { return open(), nil },
	}
	// The store is given: point the default --eventstore away from the embedded check.
	code := c.main(context.Background(), args, func(name string) string {
		if name == "TICKETS_EVENTSTORE" {
			return "memory:"
		}
		return ""
	})
	return cliResult{code: code, stdout: out.String(), stderr: errOut.String()}
}

// keepOpen wraps a store whose Close the CLI must not reach (a memory store would lose
// its events), for tests that run several commands on one store.
type keepOpen struct{ eventlog.EventStore }

func (keepOpen) Close() error { return nil }

func TestCLIUsage(t *testing.T) {
	none := func() eventlog.EventStore { t.Fatal("usage errors must not open the store"); return nil }
	for _, args := range [][]string{{}, {"frobnicate"}, {"replay"}, {"replay", "--as-of", "soon", "x"}, {"verify", "extra"}, {"tokens"}, {"--eventstore", "mysql://x", "verify"}} {
		if res := runCLI(t, none, "", args...); res.code != exitUsage {
			t.Fatalf("%v: exit %d, want %d", args, res.code, exitUsage)
		}
	}
}

// TestCLIReplayAndVerify: replay by id and number agree; verify passes, with one worker
// or several, on a whole store and on one ticket.
func TestCLIReplayAndVerify(t *testing.T) {
	store := memstore.New()
	h := buildHistory(t, store, 4, 5, 80)
	open := func() eventlog.EventStore { return keepOpen{store} }
	byID := runCLI(t, open, "", "replay", "--json", h.tickets[0].String())
	byNumber := runCLI(t, open, "", "replay", "--json", h.numbers[0])
	if byID.code != exitOK || byID.stdout == "" || byID.stdout != byNumber.stdout {
		t.Fatalf("replay: %d %s", byID.code, byID.stderr)
	}
	if res := runCLI(t, open, "", "replay", uuid.NewString()); res.code != exitFailed || !strings.Contains(res.stderr, "not found") {
		t.Fatalf("replay of an unknown ticket: %d %s", res.code, res.stderr)
	}
	one := runCLI(t, open, "", "verify", "--workers", "1", "--heads")
	four := runCLI(t, open, "", "verify", "--workers", "4", "--heads")
	if one.code != exitOK || one.stdout != four.stdout {
		t.Fatalf("verify: %d %s", one.code, one.stderr)
	}
	if res := runCLI(t, open, "", "verify", "--ticket", h.numbers[1], "--heads"); res.code != exitOK || strings.Count(res.stdout, "\n") != 2 {
		t.Fatalf("verify --ticket: %d %q %s", res.code, res.stdout, res.stderr)
	}
}
