// Package proctest runs real binaries in tests, the way an operator does: built once per
// test binary, started with flags and environment, stopped with signals. The process tests
// of cmd/ticketd and cmd/internal/clustertest share it; it imports no testing helpers of
// theirs, only testing.
package proctest

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Build builds Go packages once per test binary into one temporary directory. Its zero
// value is ready; a package-level variable serves all the tests of a package, and its
// TestMain calls Remove after m.Run.
type Build struct {
	once sync.Once
	dir  string
	err  error
}

// Dir builds, the first time it is called, `go build -o DIR/ args...` (build flags, then
// packages; a relative package is the test's directory) and returns DIR; it fails t when
// that build failed. Later calls return the same DIR and ignore args.
func (b *Build) Dir(t testing.TB, prefix string, args ...string) string {
	t.Helper()
	b.once.Do(func() {
		b.dir, b.err = os.MkdirTemp("", prefix)
		if b.err != nil {
			return
		}
		cmd := exec.Command(GoTool(), append([]string{"build", "-o", b.dir + "/"}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			b.err = errors.New("go build: " + err.Error() + "\n" + string(out))
		}
	})
	if b.err != nil {
		t.Fatal(b.err)
	}
	return b.dir
}

// Remove removes what Dir built, if it built anything.
func (b *Build) Remove() {
	if b.dir != "" {
		_ = os.RemoveAll(b.dir)
	}
}

// GoTool is the go command: the one on PATH, else the one of the toolchain running.
func GoTool() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return filepath.Join(runtime.GOROOT(), "bin", "go")
}

// Proc is a started process and its end.
type Proc struct {
	Cmd    *exec.Cmd
	exited chan struct{}
	state  *os.ProcessState
}

// Start starts cmd. A goroutine then runs drain, when not nil (reading a pipe of cmd's,
// which must end before the wait), waits for the process, and calls ended, when not nil,
// with how it ended, before Exited closes.
func Start(cmd *exec.Cmd, drain func(), ended func(*os.ProcessState)) (*Proc, error) {
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &Proc{Cmd: cmd, exited: make(chan struct{})}
	go func() {
		if drain != nil {
			drain()
		}
		_ = cmd.Wait() // a non-zero exit is the caller's to judge, through State
		p.state = cmd.ProcessState
		if ended != nil {
			ended(p.state)
		}
		close(p.exited)
	}()
	return p, nil
}

// Exited is closed once the process has ended.
func (p *Proc) Exited() <-chan struct{} { return p.exited }

// State is how the process ended; read it only after Exited is closed.
func (p *Proc) State() *os.ProcessState { return p.state }

// Running reports whether the process has not ended yet.
func (p *Proc) Running() bool {
	select {
	case <-p.exited:
		return false
	default:
		return true
	}
}

// Kill sends SIGKILL (a crash: no chance to flush anything) and waits for the process to
// be gone.
func (p *Proc) Kill() {
	if p.Running() {
		_ = p.Cmd.Process.Signal(syscall.SIGKILL)
	}
	<-p.exited
}

// WaitExit waits up to timeout for the process to end and returns its exit code (-1 for a
// signal); ok is false when it still runs.
func (p *Proc) WaitExit(timeout time.Duration) (code int, ok bool) {
	select {
	case <-p.exited:
		return p.state.ExitCode(), true
	case <-time.After(timeout):
		return 0, false
	}
}
