package main

import (
	"bufio"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/application/testio"
)

// These helpers run the real ticketd binary, the way an operator does: built once per
// test run, started with flags and environment, stopped with signals.

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
)

// TestMain removes the binary built for the process tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if builtBin != "" {
		_ = os.RemoveAll(filepath.Dir(builtBin))
	}
	os.Exit(code)
}

// ticketdBinary builds ./cmd/ticketd once per test binary (with -race when the tests run
// with it, so the server is checked too) and returns its path.
func ticketdBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the ticketd binary; skipped in -short")
	}
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "ticketd-bin-")
		if err != nil {
			buildErr = err
			return
		}
		builtBin = filepath.Join(dir, "ticketd")
		args := []string{"build", "-o", builtBin}
		if raceEnabled {
			args = append(args, "-race")
		}
		cmd := exec.Command(goTool(), append(args, ".")...)
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = errors.New("go build: " + err.Error() + "\n" + string(out))
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return builtBin
}

func goTool() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return filepath.Join(runtime.GOROOT(), "bin", "go")
}

// daemon is one running ticketd process.
type daemon struct {
	cmd    *exec.Cmd
	base   string // http://host:port from the "listening on" line
	exited chan struct{}
	state  *os.ProcessState
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
	d := &daemon{cmd: cmd, exited: make(chan struct{}), stderr: &testio.SyncBuffer{}}
	cmd.Stderr = d.stderr
	if log != nil {
		cmd.Stderr = io.MultiWriter(d.stderr, log)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	listening := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if addr, ok := strings.CutPrefix(sc.Text(), "listening on "); ok {
				listening <- addr
			}
		}
		_ = cmd.Wait() // a non-zero exit is the caller's to judge, through state
		d.state = cmd.ProcessState
		close(d.exited)
	}()
	t.Cleanup(func() {
		d.kill()
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
	case <-d.exited:
		t.Fatalf("ticketd exited before listening (%v):\n%s", d.state, d.stderr.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("ticketd did not print its address within 60 s:\n%s", d.stderr.String())
	}
	return nil
}

// kill sends SIGKILL (a crash: no chance to flush anything) and waits for the process to be gone.
func (d *daemon) kill() {
	_ = d.cmd.Process.Signal(syscall.SIGKILL)
	<-d.exited
}

// terminate sends SIGTERM and returns the exit code, or fails after the timeout.
func (d *daemon) terminate(t *testing.T, timeout time.Duration) int {
	t.Helper()
	if err := d.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	return d.waitExit(t, timeout)
}

// waitExit waits for the process to end by itself and returns its exit code (-1 for a signal).
func (d *daemon) waitExit(t *testing.T, timeout time.Duration) int {
	t.Helper()
	select {
	case <-d.exited:
		return d.state.ExitCode()
	case <-time.After(timeout):
		t.Fatalf("ticketd still runs %v after SIGTERM", timeout)
		return 0
	}
}
