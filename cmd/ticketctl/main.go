// Command ticketctl is the auditor's and operator's tool: replay a ticket's history,
// verify the hash chains of a whole store, export and import histories, apply PostgreSQL
// migrations, mint tokens and rebuild read models. It takes ticketd's flags and
// environment (before or after the command), and works against any configured event store.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/ticketengine/ticketengine/adapters/eventstore/bolt"
	"github.com/ticketengine/ticketengine/application/erasure"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/cmd/internal/service"
	"github.com/ticketengine/ticketengine/cmd/internal/tool"
)

func main() {
	tool.MainCode(func(ctx context.Context) int { return run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr) })
}

// Exit codes: 0 all is well; 1 the command failed, or verify found a problem; 2 usage.
const (
	exitOK      = 0
	exitFailed  = 1
	exitUsage   = 2
	usageHeader = `usage: ticketctl [ticketd flags] COMMAND [command flags and ticketd flags] [ARGS]

commands:
`
)

// cli is one invocation: configuration, streams, and how to open the store (tests swap it).
type cli struct {
	cfg      service.Config
	stdin    io.Reader
	stdout   io.Writer
	stderr   io.Writer
	progress time.Duration
	open     func(ctx context.Context, cfg service.Config) (eventlog.EventStore, error)
}

type subcommand struct {
	summary string
	run     func(ctx context.Context, c *cli, args []string) error
}

var commands = map[string]subcommand{
	"replay":  {"replay [--json] [--as-of TIME] TICKET   each event of a ticket and the ticket after it", runReplay},
	"verify":  {"verify [--ticket ID] [--heads] [--expect-heads FILE]   check every hash chain and the global order", runVerify},
	"export":  {"export [--from TIME] [--to TIME] [--ticket ID] [--out FILE]   all events as canonical JSON lines", runExport},
	"import":  {"import [--in FILE]   load an export into an EMPTY store, verifying every hash", runImport},
	"migrate": {"migrate   apply the PostgreSQL migrations of --eventstore and --readmodel", runMigrate},
	"tokens":  {"tokens create --role ROLE [--subject S] [--expires-in D] | list | revoke ID   mint, list or revoke bearer tokens", runTokens},
	"staff":   {"staff create --role ROLE --name N --email E [--team T] [--language L]   create an account; the password is read from stdin", runStaff},
	"rebuild": {"rebuild NAME|all   rebuild read models (or the search index: search) from the event store", runRebuild},
}

// errUsage marks a usage error (exit 2); errProblems a verification that found problems.
var (
	errUsage    = errors.New("usage")
	errProblems = errors.New("verification failed")
)

func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	c := &cli{stdin: stdin, stdout: stdout, stderr: stderr, progress: time.Second, open: service.OpenEventStore}
	return c.main(ctx, args, getenv)
}

func (c *cli) main(ctx context.Context, args []string, getenv func(string) string) int {
	cfg, rest, err := service.Parse("ticketctl", args, getenv, c.stderr)
	if err == nil && len(rest) > 0 {
		// ticketd's flags may follow the command too: parse them with those before it.
		if store, cmdArgs := storeFlags(rest[1:]); len(store) > 0 {
			before := args[:len(args)-len(rest)]
			cfg, _, err = service.Parse("ticketctl", append(before[:len(before):len(before)], store...), getenv, c.stderr)
			rest = append([]string{rest[0]}, cmdArgs...)
		}
	}
	if errors.Is(err, flag.ErrHelp) {
		c.usage()
		return exitOK
	}
	if err != nil {
		fmt.Fprintln(c.stderr, "ticketctl:", err)
		return exitUsage
	}
	c.cfg = cfg
	if len(rest) == 0 {
		c.usage()
		return exitUsage
	}
	cmd, ok := commands[rest[0]]
	if !ok {
		fmt.Fprintf(c.stderr, "ticketctl: unknown command %q\n", rest[0])
		c.usage()
		return exitUsage
	}
	switch err := cmd.run(ctx, c, rest[1:]); {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.Is(err, errUsage):
		fmt.Fprintln(c.stderr, "ticketctl", rest[0]+":", strings.TrimPrefix(err.Error(), "usage: "))
		return exitUsage
	case errors.Is(err, errProblems):
		return exitFailed
	default:
		fmt.Fprintln(c.stderr, "ticketctl", rest[0]+":", err)
		return exitFailed
	}
}

func (c *cli) usage() {
	fmt.Fprint(c.stderr, usageHeader)
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(c.stderr, "  %s\n", commands[n].summary)
	}
	fmt.Fprintln(c.stderr, "\nticketd flags (ticketctl -h lists them) choose the event store: --eventstore, --data, …")
}

// usagef is a usage error with a message.
func usagef(format string, a ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{errUsage}, a...)...)
}

// flags returns a flag set for a command, writing its errors to stderr.
func (c *cli) flags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("ticketctl "+name, flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	return fs
}

// parse parses a command's flags; errors are usage errors.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usagef("%v", err)
	}
	return nil
}

// withStore opens the configured store for fn and closes it after. Reading commands
// (replay, verify, export) refuse a data directory without an embedded store: opening it
// would create an empty one, and a verify of the wrong directory would "pass".
func (c *cli) withStore(ctx context.Context, fn func(eventlog.EventStore) error) error {
	return c.openStore(ctx, true, fn)
}

// withOpenedStore is withStore whose reads open the customers' sealed personal fields
// with ticketd's key store (erased ones show empty), for the commands that show events
// (replay). verify and export read the store's own records: sealed, as the chain covers them.
func (c *cli) withOpenedStore(ctx context.Context, fn func(eventlog.EventStore) error) error {
	return c.withStore(ctx, func(store eventlog.EventStore) error {
		if c.cfg.EventStore == "memory:" {
			return fn(store)
		}
		keys, closeKeys, err := service.OpenKeys(ctx, c.cfg)
		if err != nil {
			return err
		}
		if closeKeys != nil {
			defer closeKeys()
		}
		return fn(erasure.NewOpeningStore(store, erasure.NewCachedKeys(keys)))
	})
}

// withNewStore is withStore for import, which may create the embedded store.
func (c *cli) withNewStore(ctx context.Context, fn func(eventlog.EventStore) error) error {
	return c.openStore(ctx, false, fn)
}

func (c *cli) openStore(ctx context.Context, mustExist bool, fn func(eventlog.EventStore) error) error {
	if mustExist && c.cfg.EventStore == "" {
		path := filepath.Join(c.cfg.Data, bolt.FileName)
		if _, err := os.Stat(path); err != nil {
			return fmt.Errorf("no embedded event store at %s (set --data, or --eventstore): %w", path, err)
		}
	}
	store, err := c.open(ctx, c.cfg)
	if err != nil {
		return err
	}
	return errors.Join(fn(store), store.Close())
}

// newProgress reports a long run on stderr.
func (c *cli) newProgress(label string) *progress {
	return newProgress(label, c.stderr, c.progress)
}

// parseTime reads a time flag: RFC 3339, or a bare date (midnight UTC).
func parseTime(name, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	return time.Time{}, usagef("--%s: %q is not an RFC 3339 time (2026-11-23T09:30:00Z) or a date", name, s)
}
