package main

import (
	"strings"
	"testing"

	"github.com/ticketengine/ticketengine/adapters/eventstore/esdb/esdbtest"
)

// TestRoundTripEventStoreDB: an embedded history imported into EventStoreDB (the
// in-process protocol server), whose positions are log positions, not 1, 2, 3: the
// export is still byte for byte the embedded one, the chains and heads verify the same,
// and replay finds the ticket by number.
func TestRoundTripEventStoreDB(t *testing.T) {
	data, h, _ := boltDataDir(t, 23, 5, 80)
	conn := esdbtest.Start(t).ConnectionString()

	first := runReal(t, "", "--data", data, "export")
	if res := runReal(t, first.stdout, "--eventstore", conn, "import"); res.code != exitOK {
		t.Fatalf("import into EventStoreDB: %d %s", res.code, res.stderr)
	}
	second := runReal(t, "", "--eventstore", conn, "export")
	if second.code != exitOK || second.stdout != first.stdout {
		t.Fatalf("EventStoreDB export differs (%d): %s", second.code, second.stderr)
	}
	want := runReal(t, "", "--data", data, "verify", "--heads")
	got := runReal(t, "", "--eventstore", conn, "verify", "--heads", "--streams")
	if got.code != exitOK || got.stdout != want.stdout {
		t.Fatalf("EventStoreDB verify: %d\n%s%s", got.code, got.stdout, got.stderr)
	}
	if res := runReal(t, "", "--eventstore", conn, "verify", "--ticket", h.numbers[0]); res.code != exitOK {
		t.Fatalf("verify --ticket: %d %s%s", res.code, res.stdout, res.stderr)
	}
	a := runReal(t, "", "--data", data, "replay", "--json", h.numbers[1])
	b := runReal(t, "", "--eventstore", conn, "replay", "--json", h.numbers[1])
	if b.code != exitOK || stripPositions(a.stdout) != stripPositions(b.stdout) {
		t.Fatalf("replay differs (%d %s):\n%.300s\n%.300s", b.code, b.stderr, a.stdout, b.stdout)
	}
}

// stripPositions removes "position":N from replay lines: the one field stores differ in.
func stripPositions(s string) string {
	var out strings.Builder
	for {
		i := strings.Index(s, `"position":`)
		if i < 0 {
			return out.String() + s
		}
		out.WriteString(s[:i])
		j := i + len(`"position":`)
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		s = s[j+1:] // and the comma after it
	}
}
