// Command ticketbench drives a running ticketd over HTTP as a team of agents and
// customers would, and reports throughput, latency per request kind, errors by status and
// projection lag. See docs/PERFORMANCE.md for the figures it produced and how.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/ticketengine/ticketengine/cmd/internal/tool"
)

func main() {
	tool.Main("ticketbench", func(ctx context.Context) error { return run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr) })
}

// options are ticketbench's flags.
type options struct {
	URL         string
	Token       string
	Scenario    string
	Concurrency int
	Duration    time.Duration
	Count       int
	RampUp      time.Duration
	Seed        int64
	Rate        float64
	Agents      int
	Prefill     int
	Lag         string
	LagEvery    int
	Mix         string
	Page        string
	JSON        bool
	PID         int
	Progress    time.Duration
	Record      string
}

const usage = `ticketbench drives a running ticketd over HTTP and reports what it measures.

Usage: ticketbench [flags]

Scenarios (--scenario):
  lifecycle   each iteration is one ticket's life: receive → classify → assign → reply →
              resolve (an agent's token) → rate via the portal (the customer). Default.
  read-heavy  a quarter of the workers (at least one) run lifecycles; the others read
              GET /tickets/{id} and GET /queues over prefilled tickets. An iteration is
              one lifecycle or one read.
  portal      customers look up prefilled tickets: GET /portal/tickets/{number}?code=.
  mixed       every iteration draws from --mix (lifecycle, staff read, portal look-up).
  pages       a person's page in a browser: each iteration GETs --page (help_ticket: a
              prefilled ticket's page in the help center, found by number and code;
              desk_queue: the desk's team queue, GET /desk/team, for an agent of the
              prefilled tickets' team, signed in at /desk/signin as a staff account
              the admin token creates; 4 sessions shared by the workers);
              before the run, the report weighs the page's first load (the HTML and
              every style sheet and script it names, as transferred).

Before a run it registers --agents agents with the admin token (--token, or
TICKETS_ADMIN_TOKEN) and, for the read scenarios, receives, classifies and assigns
--prefill tickets. The run stops after --count iterations if given, else after --duration.

Projection lag (--lag): after one command in --lag-every, the time from the command's
response until the read model shows its version, measured by GET
/portal/tickets/{number}?code=&min_version=V (portal, the default) or by polling GET
/queues?assignee= until the ticket shows that version (queue: the worker that sent the
command polls, before its next one); it includes one request's round trip.

--rate paces commands open loop; latencies then count from each command's scheduled
start. A progress line goes to stderr every second; --json prints the report as JSON on
stdout. With --pid (ticketd on this machine) the report adds ticketd's CPU share and its
peak RSS. The exit status is 0 when the run completed, whatever the server answered:
read the report's errors.

Flags:
`

func parseFlags(args []string, getenv func(string) string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("ticketbench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage); fs.PrintDefaults() }
	fs.StringVar(&o.URL, "url", envOr(getenv, "TICKETS_URL", "http://127.0.0.1:8080"), "base `URL` of the ticketd to drive [TICKETS_URL]")
	fs.StringVar(&o.Token, "token", getenv("TICKETS_ADMIN_TOKEN"), "admin bearer `token`, to register agents [TICKETS_ADMIN_TOKEN]")
	fs.StringVar(&o.Scenario, "scenario", "lifecycle", "lifecycle, read-heavy, portal, mixed or pages")
	fs.IntVar(&o.Concurrency, "c", 16, "concurrent clients (workers), each with its own connection")
	fs.IntVar(&o.Concurrency, "concurrency", 16, "the same as -c")
	fs.DurationVar(&o.Duration, "duration", 10*time.Second, "how long to run, when --count is 0")
	fs.IntVar(&o.Count, "count", 0, "iterations to run in all (0: run for --duration)")
	fs.DurationVar(&o.RampUp, "ramp-up", 0, "spread the workers' starts over this long")
	fs.Int64Var(&o.Seed, "seed", 1, "random seed (same seed, same request sequence per worker)")
	fs.Float64Var(&o.Rate, "rate", 0, "commands per second, open loop (0: closed loop, as fast as answered)")
	fs.IntVar(&o.Agents, "agents", 8, "agents to register before the run")
	fs.IntVar(&o.Prefill, "prefill", 200, "tickets to create before a read-heavy, portal or mixed run")
	fs.StringVar(&o.Lag, "lag", "portal", "projection lag probe: portal (min_version), queue (polling) or none")
	fs.IntVar(&o.LagEvery, "lag-every", 10, "probe projection lag after one command in this many")
	fs.StringVar(&o.Mix, "mix", "lifecycle=2,read=5,portal=3", "weights of the mixed scenario")
	fs.StringVar(&o.Page, "page", "help_ticket", "the page of the pages scenario: help_ticket or desk_queue")
	fs.BoolVar(&o.JSON, "json", false, "print the report as JSON")
	fs.IntVar(&o.PID, "pid", 0, "ticketd's process id on this machine: report its CPU share and peak RSS (VmHWM)")
	fs.StringVar(&o.Record, "record", "", "write every request of the run to this `file`, one JSON line each: start and end (Unix ns), kind, status, ok and, for an acknowledged command, its ticket and version")
	fs.DurationVar(&o.Progress, "progress", time.Second, "progress line interval on stderr (0: none)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	return o, o.validate()
}

func (o options) validate() error {
	switch {
	case o.Concurrency < 1:
		return errors.New("-c must be at least 1")
	case o.Count < 0 || o.Duration <= 0 && o.Count == 0:
		return errors.New("give a positive --count or --duration")
	case o.Agents < 1:
		return errors.New("--agents must be at least 1")
	case o.Token == "":
		return errors.New("an admin token is needed to register agents: --token or TICKETS_ADMIN_TOKEN")
	case o.Lag != "portal" && o.Lag != "queue" && o.Lag != "none":
		return fmt.Errorf("--lag %q: want portal, queue or none", o.Lag)
	case o.LagEvery < 1:
		return errors.New("--lag-every must be at least 1")
	case o.Rate < 0:
		return errors.New("--rate must not be negative")
	}
	if _, ok := scenarios[o.Scenario]; !ok {
		return fmt.Errorf("--scenario %q: want lifecycle, read-heavy, portal, mixed or pages", o.Scenario)
	}
	if _, ok := pageKinds[o.Page]; !ok {
		return fmt.Errorf("--page %q: want help_ticket or desk_queue", o.Page)
	}
	_, err := parseMix(o.Mix)
	return err
}

func envOr(getenv func(string) string, name, def string) string {
	if v := getenv(name); v != "" {
		return v
	}
	return def
}

// run parses the flags, runs the benchmark and prints its report.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, getenv, stderr)
	if err != nil {
		return err
	}
	rep, err := bench(ctx, o, stderr)
	if err != nil {
		return err
	}
	if o.JSON {
		return writeJSONReport(stdout, rep)
	}
	writeTextReport(stdout, rep)
	return nil
}
