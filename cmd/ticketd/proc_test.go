package main

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/application/testio"
	"github.com/ticketengine/ticketengine/cmd/internal/proctest"
)

// These helpers run the real ticketd binary, the way an operator does: built once per
// test run, started with flags and environment, stopped with signals.

// build holds the ticketd binary, built once per test binary.
var build proctest.Build

// TestMain removes the binary built for the process tests.
func TestMain(m *testing.M) {
	code := m.Run()
	build.Remove()
	os.Exit(code)
}

// ticketdBinary builds ./cmd/ticketd once per test binary (with -race when the tests run
// with it, so the server is checked too) and returns its path.
func ticketdBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the ticketd binary; skipped in -short")
	}
	args := []string{"."}
	if raceEnabled {
		args = []string{"-race", "."}
	}
	return filepath.Join(build.Dir(t, "ticketd-bin-", args...), "ticketd")
}

// daemon is one running ticketd process.
type daemon struct {
	*proctest.Proc
	base   string // http://host:port from the "listening on" line
	stderr *testio.SyncBuffer
}

// daemonEnv is the environment of a ticketd under test: the caller's, minus any
// TICKETS_* setting that could point it elsewhere, plus extra.
func daemonEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TICKETS_") {
			env = append(env, kv)
		}
	}
	return append(env, extra...)
}

// startDaemon starts ticketd and waits for its "listening on" line. The process is
// SIGKILLed at the end of the test if it still runs, and its log shown if the test failed.
func startDaemon(t *testing.T, env []string, args ...string) *daemon {
	t.Helper()
	return startDaemonLog(t, env, nil, args...)
}

// startDaemonLog is startDaemon also copying ticketd's stderr (its log) to log, when not nil.
func startDaemonLog(t *testing.T, env []string, log io.Writer, args ...string) *daemon {
	t.Helper()
	cmd := exec.Command(ticketdBinary(t), append([]string{"--addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = env
	stderr := &testio.SyncBuffer{}
	cmd.Stderr = stderr
	if log != nil {
		cmd.Stderr = io.MultiWriter(stderr, log)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	listening := make(chan string, 1)
	p, err := proctest.Start(cmd, func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if addr, ok := strings.CutPrefix(sc.Text(), "listening on "); ok {
				listening <- addr
			}
		}
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	d := &daemon{Proc: p, stderr: stderr}
	t.Cleanup(func() {
		d.Kill()
		if strings.Contains(d.stderr.String(), "WARNING: DATA RACE") {
			t.Errorf("the race detector reported a data race in ticketd")
		}
		if t.Failed() {
			t.Logf("ticketd pid %d stderr:\n%s", cmd.Process.Pid, d.stderr.String())
		}
	})
	select {
	case d.base = <-listening:
		return d
	case <-d.Exited():
		t.Fatalf("ticketd exited before listening (%v):\n%s", d.State(), d.stderr.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("ticketd did not print its address within 60 s:\n%s", d.stderr.String())
	}
	return nil
}

// terminate sends SIGTERM and returns the exit code, or fails after the timeout.
func (d *daemon) terminate(t *testing.T, timeout time.Duration) int {
	t.Helper()
	if err := d.Cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	return d.waitExit(t, timeout)
}

// waitExit waits for the process to end by itself and returns its exit code (-1 for a signal).
func (d *daemon) waitExit(t *testing.T, timeout time.Duration) int {
	t.Helper()
	code, ok := d.WaitExit(timeout)
	if !ok {
		t.Fatalf("ticketd still runs %v after SIGTERM", timeout)
	}
	return code
}
