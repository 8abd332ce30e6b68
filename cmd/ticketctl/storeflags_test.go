package main

import (
	"bytes"
	"context"
	"flag"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ticketengine/ticketengine/adapters/eventstore/bolt"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/cmd/internal/service"
)

// TestStoreFlagsAfterTheCommand: `ticketctl verify --data DIR` verifies DIR's embedded store
// exactly as `ticketctl --data DIR verify` does, with the real store opener; without the
// flag the default ./data has no store and verify refuses.
func TestStoreFlagsAfterTheCommand(t *testing.T) {
	f := newBoltFixture(t)
	dir := t.TempDir()
	if err := os.Rename(f.copyTo(t), filepath.Join(dir, bolt.FileName)); err != nil {
		t.Fatal(err)
	}
	realRun := func(args ...string) cliResult {
		var out, errOut bytes.Buffer
		code := run(context.Background(), args, func(string) string { return "" }, strings.NewReader(""), &out, &errOut)
		return cliResult{code: code, stdout: out.String(), stderr: errOut.String()}
	}
	for _, args := range [][]string{
		{"--data", dir, "verify"},
		{"verify", "--data", dir},
		{"verify", "--data=" + dir, "--workers", "2"},
		{"verify", "-data", dir, "--heads"},
		{"--data", "/nonexistent", "verify", "--data", dir}, // the later one wins, as with one flag set
	} {
		res := realRun(args...)
		if res.code != exitOK || !strings.Contains(res.stderr, "every hash chain verifies") {
			t.Errorf("%v: exit %d\n%s", args, res.code, res.stderr)
		}
	}
	if res := realRun("verify"); res.code != exitFailed || !strings.Contains(res.stderr, "no embedded event store") {
		t.Errorf("verify without --data: exit %d\n%s", res.code, res.stderr)
	}
	if res := realRun("verify", "--data"); res.code != exitUsage {
		t.Errorf("verify --data without a value: exit %d, want %d\n%s", res.code, exitUsage, res.stderr)
	}
}

// TestStoreFlagsForEveryCommand: every command gets the store flags given after it, and
// keeps its own flags and arguments in order.
func TestStoreFlagsForEveryCommand(t *testing.T) {
	for name := range commands {
		var errOut bytes.Buffer
		c := &cli{stdin: strings.NewReader(""), stdout: io.Discard, stderr: &errOut,
			open: func(context.Context, service.Config) (eventlog.EventStore, error) {
				return nil, flag.ErrHelp // -h stops every command before this; if not, stop here
			}}
		c.main(context.Background(), []string{name, "--eventstore", "memory:", "--data=/tmp/x", "--readmodel", "postgres://rm", "-h"}, func(string) string { return "" })
		if c.cfg.EventStore != "memory:" || c.cfg.Data != "/tmp/x" || c.cfg.ReadModel != "postgres://rm" {
			t.Errorf("%s: configuration %+v (stderr %s)", name, c.cfg, errOut.String())
		}
	}
	store, rest := storeFlags([]string{"create", "--role", "agent", "--eventstore", "esdb://x", "--pprof", "--subject", "s", "--", "--data", "d"})
	if want := []string{"--eventstore", "esdb://x", "--pprof"}; !slices.Equal(store, want) {
		t.Errorf("store flags %q, want %q", store, want)
	}
	if want := []string{"create", "--role", "agent", "--subject", "s", "--", "--data", "d"}; !slices.Equal(rest, want) {
		t.Errorf("command arguments %q, want %q", rest, want)
	}
}

// TestStoreFlagNamesAreFree: no command defines a flag of ticketd's, which storeFlags would
// take from it. Each command's flags are listed by its -h.
func TestStoreFlagNamesAreFree(t *testing.T) {
	fs := flag.NewFlagSet("ticketd", flag.ContinueOnError)
	var cfg service.Config
	cfg.RegisterFlags(fs, func(string) string { return "" })
	for name := range commands {
		var errOut bytes.Buffer
		c := &cli{stdin: strings.NewReader(""), stdout: io.Discard, stderr: &errOut}
		_ = commands[name].run(context.Background(), c, []string{"-h"})
		if name == "verify" && !strings.Contains(errOut.String(), "  -heads") {
			t.Fatalf("verify -h does not list its flags:\n%s", errOut.String())
		}
		fs.VisitAll(func(f *flag.Flag) {
			if strings.Contains(errOut.String(), "  -"+f.Name+" ") || strings.Contains(errOut.String(), "  -"+f.Name+"\n") {
				t.Errorf("ticketctl %s defines -%s, a ticketd flag", name, f.Name)
			}
		})
	}
}
