package clustertest

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/cmd/internal/proctest"
)

// The processes of the cluster, each a real binary started the way an operator would,
// its output kept in a file under the test's directory (named in failures).

// need skips the test when a program is missing, and fails it when CI=true, where .ci/run
// installs it.
func need(t *testing.T, program string) string {
	t.Helper()
	p, err := exec.LookPath(program)
	if err != nil {
		for _, dir := range []string{"/usr/sbin", "/usr/local/sbin", "/usr/local/bin"} {
			if _, serr := os.Stat(filepath.Join(dir, program)); serr == nil {
				return filepath.Join(dir, program)
			}
		}
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not installed (.ci/run installs it): %v", program, err)
		}
		t.Skipf("%s is not installed: %v", program, err)
	}
	return p
}

// build holds ticketd, ticketctl and ticketbench, built once per test binary.
var build proctest.Build

// binaries builds ticketd, ticketctl and ticketbench once per test binary into one
// directory and returns it.
func binaries(t *testing.T) string {
	t.Helper()
	return build.Dir(t, "clustertest-bin-",
		"github.com/ticketengine/ticketengine/cmd/ticketd",
		"github.com/ticketengine/ticketengine/cmd/ticketctl",
		"github.com/ticketengine/ticketengine/cmd/ticketbench")
}

// TestMain removes the built binaries.
func TestMain(m *testing.M) {
	code := m.Run()
	build.Remove()
	os.Exit(code)
}

// proc is one running program.
type proc struct {
	*proctest.Proc
	name string
	log  string // its stdout and stderr
}

// start runs path with args and env (nil: this process's), output to dir/name.log
// (appended, so a restart's output follows the first run's). The process is killed when
// the test ends, if it still runs.
func start(t *testing.T, dir, name string, env []string, path string, args ...string) *proc {
	t.Helper()
	logPath := filepath.Join(dir, name+".log")
	f, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(f, "==== %s start: %s %s\n", time.Now().UTC().Format(time.RFC3339Nano), path, strings.Join(args, " "))
	cmd := exec.Command(path, args...)
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = f, f
	pr, err := proctest.Start(cmd, nil, func(state *os.ProcessState) {
		fmt.Fprintf(f, "==== %s exit: %v\n", time.Now().UTC().Format(time.RFC3339Nano), state)
		f.Close()
	})
	if err != nil {
		f.Close()
		t.Fatalf("start %s: %v", name, err)
	}
	p := &proc{Proc: pr, name: name, log: logPath}
	t.Cleanup(p.Kill)
	return p
}

// terminate sends sig and waits up to timeout for the exit; it returns the exit code.
func (p *proc) terminate(t *testing.T, sig os.Signal, timeout time.Duration) int {
	t.Helper()
	if p.Running() {
		if err := p.Cmd.Process.Signal(sig); err != nil {
			t.Fatalf("signal %s: %v", p.name, err)
		}
	}
	code, ok := p.WaitExit(timeout)
	if !ok {
		t.Fatalf("%s still runs %v after %v (log %s)", p.name, timeout, sig, p.log)
	}
	return code
}

// tail is the end of the process's log, for failure messages.
func (p *proc) tail(n int) string {
	b, err := os.ReadFile(p.log)
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// waitFor polls ok every 50 ms until it holds or timeout passes.
func waitFor(timeout time.Duration, ok func() bool) bool {
	deadline := time.Now().Add(timeout)
	for {
		if ok() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// httpOK reports whether GET url answers 200.
func httpOK(url string) bool {
	c := http.Client{Timeout: 2 * time.Second}
	res, err := c.Get(url)
	if err != nil {
		return false
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode == http.StatusOK
}

// listening reports whether something accepts connections at addr.
func listening(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

// scanLines calls each for every line of path.
func scanLines(path string, each func(line []byte) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if err := each(sc.Bytes()); err != nil {
			return err
		}
	}
	return errors.Join(sc.Err())
}
