package main

import (
	"net/http"
	"syscall"
	"testing"
	"time"
)

// TestSIGTERMTurnsUnreadyBeforeTheListenerCloses: behind a load balancer, a stopping node
// must leave the rotation before it refuses connections. After SIGTERM, with
// --drain-delay, /readyz answers 503 at once while ordinary requests are still served
// (each closing its connection), and only after the delay does the process stop.
func TestSIGTERMTurnsUnreadyBeforeTheListenerCloses(t *testing.T) {
	d := startDaemon(t, daemonEnv("TICKETS_ADMIN_TOKEN=drain-admin-token-0123456789"), "--data", t.TempDir(), "--drain-delay", "3s")
	if code := get(t, d.base+"/readyz").StatusCode; code != http.StatusOK {
		t.Fatalf("/readyz before SIGTERM: %d, want 200", code)
	}
	sent := time.Now()
	if err := d.Cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Second)
	for {
		if code := get(t, d.base+"/readyz").StatusCode; code == http.StatusServiceUnavailable {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("/readyz still ready 2 s after SIGTERM")
		}
		time.Sleep(20 * time.Millisecond)
	}
	res := get(t, d.base+"/healthz")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("/healthz while draining: %d, want 200 (still serving)", res.StatusCode)
	}
	if !res.Close {
		t.Error("an answer while draining keeps its connection open; want Connection: close")
	}
	if code := d.waitExit(t, 30*time.Second); code != 0 {
		t.Fatalf("exit code %d after SIGTERM, want 0", code)
	}
	if waited := time.Since(sent); waited < 3*time.Second {
		t.Fatalf("ticketd stopped %v after SIGTERM, before its 3 s drain delay", waited)
	}
}

func get(t *testing.T, url string) *http.Response {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s while draining: %v", url, err)
	}
	res.Body.Close()
	return res
}
