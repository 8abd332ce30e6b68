package main

import (
	"strings"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/application/testio"
)

// TestProgressReports: a long run reports counts and rates until finished, then once
// more; a short one (finished before the first report) stays silent.
func TestProgressReports(t *testing.T) {
	var out testio.SyncBuffer
	p := newProgress("verify", &out, 5*time.Millisecond)
	p.add(1200)
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(out.String(), "verify: 1200 events, ") && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	p.add(34)
	p.finish()
	p.finish() // twice is harmless
	text := out.String()
	if !strings.Contains(text, "verify: 1200 events, ") || !strings.Contains(text, "events/s") || !strings.HasSuffix(text, "(done)\n") || !strings.Contains(text, "verify: 1234 events") {
		t.Fatalf("progress wrote:\n%s", text)
	}
	var quiet testio.SyncBuffer
	q := newProgress("export", &quiet, time.Hour)
	q.add(5)
	q.finish()
	if quiet.String() != "" {
		t.Fatalf("a short run reported: %q", quiet.String())
	}
}
