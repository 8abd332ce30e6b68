package bolt_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/application/eventstoretest"
)

// crashChildEnv names the store file when the test binary runs as the crash test's child.
const crashChildEnv = "TICKETS_BOLT_CRASH_CHILD"

// TestAcknowledgedAppendsSurviveKill9 re-executes the test binary as a child that appends
// from several goroutines and prints each acknowledged record id; the parent SIGKILLs it
// mid-stream, reopens the file, and checks that every acknowledged id is there and every
// stream's hash chain verifies.
func TestAcknowledgedAppendsSurviveKill9(t *testing.T) {
	if path := os.Getenv(crashChildEnv); path != "" {
		crashChild(t, path)
		return
	}
	if testing.Short() {
		t.Skip("crash test re-executes the binary; skipped in -short")
	}
	path := filepath.Join(t.TempDir(), "events.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestAcknowledgedAppendsSurviveKill9$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashChildEnv+"="+path)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var seen atomic.Int64
	acked := make(chan map[string]bool, 1)
	go func() { acked <- readAcks(out, &seen) }()
	// Kill after a second, and after enough acknowledgements to prove something even
	// on a slow disk.
	time.Sleep(time.Second)
	for deadline := time.Now().Add(30 * time.Second); seen.Load() < 500 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	ids := <-acked // the pipe ends when the child is gone; what it wrote before is still read
	_ = cmd.Wait()
	if len(ids) < 100 {
		t.Fatalf("child acknowledged only %d appends before the kill; the test proves nothing", len(ids))
	}
	s := openStore(t, path)
	defer s.Close()
	stored := map[string]bool{}
	for _, r := range verify(t, s) {
		stored[r.ID.String()] = true
	}
	missing := 0
	for id := range ids {
		if !stored[id] {
			missing++
		}
	}
	if missing > 0 {
		t.Fatalf("%d of %d acknowledged records are missing after kill -9", missing, len(ids))
	}
	t.Logf("%d acknowledged records, %d stored, all present, chains verify", len(ids), len(stored))
}

// readAcks collects the ids of complete "ack <id>" lines.
func readAcks(out io.Reader, seen *atomic.Int64) map[string]bool {
	ids := map[string]bool{}
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if id, ok := strings.CutPrefix(sc.Text(), "ack "); ok && len(id) == 36 {
			ids[id] = true
			seen.Add(1)
		}
	}
	return ids
}

// crashChild appends until killed: 16 goroutines, each continuing a few streams with
// sealed records (one or two per append), printing every acknowledged record id.
func crashChild(t *testing.T, path string) {
	s := openStore(t, path)
	var mu sync.Mutex
	w := bufio.NewWriter(os.Stdout)
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			appendForever(t, s, g, func(ids []string) {
				mu.Lock()
				defer mu.Unlock()
				for _, id := range ids {
					fmt.Fprintf(w, "ack %s\n", id)
				}
				_ = w.Flush() // written to the pipe before the next append starts
			})
		}()
	}
	wg.Wait()
}

func appendForever(t *testing.T, s eventlog.EventStore, g int, ack func([]string)) {
	type head struct {
		version int64
		hash    string
	}
	streams := make([]string, 3)
	heads := make([]head, 3)
	for i := range streams {
		streams[i] = eventstoretest.NewStreamName()
		heads[i] = head{eventlog.NoStream, ""}
	}
	for n := 0; ; n++ {
		i := n % len(streams)
		h := heads[i]
		recs := eventstoretest.MakeRecords(t, streams[i], h.version+1, h.hash, 1+n%2)
		out, err := s.Append(context.Background(), streams[i], h.version, recs)
		if err != nil {
			fmt.Fprintf(os.Stderr, "child %d: %v\n", g, err)
			os.Exit(3)
		}
		ids := make([]string, len(out))
		for j, r := range out {
			ids[j] = r.ID.String()
		}
		ack(ids)
		last := out[len(out)-1]
		heads[i] = head{last.Version, last.Hash}
	}
}
