package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/cmd/internal/service"
)

const testAdminToken = "bench-test-admin-token-0123456789"

// startService runs the real engine, as ticketd assembles it, on a temp dir behind httptest.
func startService(t *testing.T) *httptest.Server {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cfg := service.Config{Data: t.TempDir(), AdminToken: testAdminToken, LogLevel: "error"}
	svc, err := service.Build(ctx, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	svc.Start(ctx)
	srv := httptest.NewServer(svc.HTTP)
	t.Cleanup(func() {
		srv.Close()
		cancel()
		svc.Wait()
		_ = svc.Close()
	})
	return srv
}

func smokeOptions(url, scenario string, count int) options {
	return options{
		URL: url, Token: testAdminToken, Scenario: scenario, Concurrency: 4, Count: count, Duration: time.Minute,
		Seed: 7, Agents: 3, Prefill: 10, Lag: "none", LagEvery: 1, Mix: "lifecycle=1,read=1,portal=1", Page: "help_ticket",
	}
}

// readSideLanded reports whether the server answers GET /queues: the read-side routes
// (queues, portal view) land separately from the write side.
func readSideLanded(t *testing.T, srv *httptest.Server) bool {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/queues", nil)
	req.Header.Set("Authorization", "Bearer "+testAdminToken)
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode == http.StatusOK
}

// checkAllSucceeded asserts that every request of the run succeeded and that the counts
// add up: per kind, per class, and against the iterations.
func checkAllSucceeded(t *testing.T, rep report, iterations int64) {
	t.Helper()
	if rep.Iterations != iterations || rep.IterationsFail != 0 {
		t.Fatalf("iterations: %d done, %d failed, want %d and 0; first errors: %v", rep.Iterations, rep.IterationsFail, iterations, rep.FirstErrors)
	}
	if len(rep.Errors) != 0 {
		t.Fatalf("errors by status: %v (first: %v)", rep.Errors, rep.FirstErrors)
	}
	var commands, reads uint64
	for _, k := range rep.Kinds {
		if len(k.Errors) != 0 {
			t.Errorf("%s: errors %v", k.Kind, k.Errors)
		}
		if k.OK > 0 && (k.P50 <= 0 || k.P50 > k.P99 || k.P99 > k.Max) {
			t.Errorf("%s: latencies out of order: %+v", k.Kind, k.latencies)
		}
		switch k.Class {
		case "command":
			commands += k.OK
		case "read":
			reads += k.OK
		}
	}
	if commands != rep.Commands || reads != rep.Reads {
		t.Errorf("class totals %d commands, %d reads; kinds add up to %d, %d", rep.Commands, rep.Reads, commands, reads)
	}
}

func kindOK(rep report, kind string) uint64 {
	for _, k := range rep.Kinds {
		if k.Kind == kind {
			return k.OK
		}
	}
	return 0
}

func TestLifecycleSmoke(t *testing.T) {
	srv := startService(t)
	rep, err := bench(context.Background(), smokeOptions(srv.URL, "lifecycle", 20), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	checkAllSucceeded(t, rep, 20)
	for _, kind := range []string{"receive", "classify", "assign", "reply", "resolve", "portal_rate"} {
		if n := kindOK(rep, kind); n != 20 {
			t.Errorf("%s: %d succeeded, want one per lifecycle (20)", kind, n)
		}
	}
	if rep.Commands != 6*20 || rep.Reads != 0 {
		t.Errorf("commands %d, reads %d: want 120 and 0", rep.Commands, rep.Reads)
	}
}

// TestOpenLoopLifecycleSmoke runs the lifecycle paced by --rate: the same requests, all
// answered, through the pacer.
func TestOpenLoopLifecycleSmoke(t *testing.T) {
	srv := startService(t)
	o := smokeOptions(srv.URL, "lifecycle", 5)
	o.Rate = 500
	rep, err := bench(context.Background(), o, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	checkAllSucceeded(t, rep, 5)
	if rep.Commands != 6*5 || rep.RateTarget != 500 {
		t.Errorf("commands %d at rate %v: want 30 at 500", rep.Commands, rep.RateTarget)
	}
}

func TestReadScenariosSmoke(t *testing.T) {
	srv := startService(t)
	if !readSideLanded(t, srv) {
		t.Skip("the read side (GET /queues, GET /portal/tickets/{number}) has not landed")
	}
	for _, sc := range []string{"read-heavy", "portal", "mixed"} {
		t.Run(sc, func(t *testing.T) {
			rep, err := bench(context.Background(), smokeOptions(srv.URL, sc, 40), io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			checkAllSucceeded(t, rep, 40)
			if sc == "portal" && (kindOK(rep, "portal_get") != 40 || rep.Commands != 0) {
				t.Errorf("portal: %d look-ups and %d commands, want 40 and 0", kindOK(rep, "portal_get"), rep.Commands)
			}
		})
	}
}

// TestCommandLineJSONReport runs ticketbench as a user would, flags and environment,
// and reads the --json report back.
func TestCommandLineJSONReport(t *testing.T) {
	srv := startService(t)
	env := func(name string) string {
		if name == "TICKETS_ADMIN_TOKEN" {
			return testAdminToken
		}
		return ""
	}
	var out, progress bytes.Buffer
	args := []string{"--url", srv.URL, "-c", "2", "--count", "3", "--agents", "2", "--lag", "none", "--json", "--progress", "1ms"}
	if err := run(context.Background(), args, env, &out, &progress); err != nil {
		t.Fatal(err)
	}
	var rep report
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("--json output is not a report: %v\n%s", err, out.String())
	}
	checkAllSucceeded(t, rep, 3)
	if rep.Scenario != "lifecycle" || rep.Commands != 18 || rep.Concurrency != 2 {
		t.Errorf("report: scenario %q, %d commands, %d clients; want lifecycle, 18, 2", rep.Scenario, rep.Commands, rep.Concurrency)
	}
}

// TestLagProbesSmoke probes projection lag after every command, through the portal's
// min_version and by polling the agent's queue: every probe must see its version.
func TestLagProbesSmoke(t *testing.T) {
	srv := startService(t)
	if !readSideLanded(t, srv) {
		t.Skip("the read side (GET /queues, GET /portal/tickets/{number}) has not landed")
	}
	// Per lifecycle: portal probes follow all six commands, queue probes only assign and
	// reply (the ticket is then in its agent's queue).
	for via, perLifecycle := range map[string]uint64{"portal": 6, "queue": 2} {
		t.Run(via, func(t *testing.T) {
			o := smokeOptions(srv.URL, "lifecycle", 10)
			o.Lag = via
			rep, err := bench(context.Background(), o, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			checkAllSucceeded(t, rep, 10)
			l := rep.Lag
			if l.Samples != 10*perLifecycle || l.Missed != 0 || l.Dropped != 0 {
				t.Errorf("lag via %s: %d samples, %d missed, %d dropped; want %d, 0, 0", via, l.Samples, l.Missed, l.Dropped, 10*perLifecycle)
			}
			if l.P99 <= 0 || l.P99 > l.Max || kindOK(rep, "lag_"+via) < l.Samples {
				t.Errorf("lag via %s: p99 %v, max %v, %d probe requests", via, l.P99, l.Max, kindOK(rep, "lag_"+via))
			}
		})
	}
}

func TestHelpDocumentsScenarios(t *testing.T) {
	var out bytes.Buffer
	err := run(context.Background(), []string{"--help"}, func(string) string { return "" }, io.Discard, &out)
	if !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("--help: %v", err)
	}
	for _, want := range []string{"lifecycle", "read-heavy", "portal", "mixed", "pages", "help_ticket", "desk_queue", "-rate", "-json", "-ramp-up", "-seed", "-url"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("--help does not mention %q", want)
		}
	}
}

func TestFlagsRefuseNonsense(t *testing.T) {
	env := func(string) string { return "" }
	for _, args := range [][]string{
		{"--token", "x", "-c", "0"},
		{"--token", "x", "--scenario", "nope"},
		{"--token", "x", "--lag", "sometimes"},
		{"--token", "x", "--mix", "lifecycle=0"},
		{}, // no token
	} {
		if _, err := parseFlags(args, env, io.Discard); err == nil {
			t.Errorf("%v: accepted", args)
		}
	}
}

// TestPagesScenarioSmoke: the help center's ticket page is loaded once an iteration, and
// the first load is weighed: the HTML, its style sheet and its script, every one counted.
func TestPagesScenarioSmoke(t *testing.T) {
	srv := startService(t)
	rep, err := bench(context.Background(), smokeOptions(srv.URL, "pages", 20), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	checkAllSucceeded(t, rep, 20)
	if kindOK(rep, "page_help_ticket") != 20 || rep.Commands != 0 || len(rep.FirstLoad) != 1 {
		t.Fatalf("pages: %d page loads, %d commands, %d first loads", kindOK(rep, "page_help_ticket"), rep.Commands, len(rep.FirstLoad))
	}
	l := rep.FirstLoad[0]
	var paths []string
	var sum int64
	for _, f := range l.Files {
		paths = append(paths, f.Path)
		sum += f.Transferred
		if f.Transferred <= f.BodyBytes || f.BodyBytes == 0 {
			t.Errorf("%s: %d bytes transferred for a body of %d", f.Path, f.Transferred, f.BodyBytes)
		}
	}
	if len(paths) != 3 || !strings.HasPrefix(paths[0], "/help/tickets/") || paths[1] != "/help/assets/help.css" ||
		!strings.HasPrefix(paths[2], "/help/assets/htmx-") || sum != l.Transferred {
		t.Fatalf("first load: %+v", l)
	}
}

// TestDeskQueuePageSmoke: a staff account is created and signed in at /desk/signin, and
// every iteration loads the desk's team queue with its session (a missing or refused
// session would redirect to the sign-in page, not answer 200), and the first load is
// weighed with the session too.
func TestDeskQueuePageSmoke(t *testing.T) {
	srv := startService(t)
	o := smokeOptions(srv.URL, "pages", 20)
	o.Page = "desk_queue"
	rep, err := bench(context.Background(), o, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	checkAllSucceeded(t, rep, 20)
	if kindOK(rep, "page_desk_queue") != 20 || rep.Commands != 0 || len(rep.FirstLoad) != 1 {
		t.Fatalf("pages: %d page loads, %d commands, %d first loads", kindOK(rep, "page_desk_queue"), rep.Commands, len(rep.FirstLoad))
	}
	l := rep.FirstLoad[0]
	if len(l.Files) < 2 || l.Files[0].Path != "/desk/team" || l.BodyBytes == 0 {
		t.Fatalf("first load: %+v", l)
	}
}
