package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// TestRecordLogsEveryRequestWithWhatItAcknowledged: --record writes one line per request of
// the run; each acknowledged command names its ticket and the version it answered, and
// the versions of one ticket's life climb as the lifecycle's steps do.
func TestRecordLogsEveryRequestWithWhatItAcknowledged(t *testing.T) {
	srv := startService(t)
	o := smokeOptions(srv.URL, "lifecycle", 5)
	o.Record = filepath.Join(t.TempDir(), "requests.jsonl")
	rep, err := bench(context.Background(), o, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	checkAllSucceeded(t, rep, 5)
	f, err := os.Open(o.Record)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	versions := map[string][]int64{}
	lines := 0
	for sc := bufio.NewScanner(f); sc.Scan(); lines++ {
		var r recordedRequest
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("line %d: %v: %s", lines+1, err, sc.Bytes())
		}
		if r.Class != "command" {
			continue
		}
		if !r.OK || r.Ticket == "" || r.Version == nil || r.End < r.Start || r.Status < 200 || r.Status > 299 {
			t.Fatalf("line %d: an acknowledged command without its ticket, version or times: %s", lines+1, sc.Bytes())
		}
		versions[r.Ticket] = append(versions[r.Ticket], *r.Version)
	}
	if uint64(lines) != rep.Commands+rep.Reads+rep.Probes {
		t.Errorf("%d lines for %d requests", lines, rep.Commands+rep.Reads+rep.Probes)
	}
	if len(versions) != 5 {
		t.Fatalf("%d tickets in the log, want 5", len(versions))
	}
	for id, vs := range versions {
		if len(vs) != 6 {
			t.Errorf("ticket %s: %d commands logged, want 6", id, len(vs))
		}
		for i := 1; i < len(vs); i++ {
			if vs[i] <= vs[i-1] {
				t.Errorf("ticket %s: versions %v do not climb", id, vs)
			}
		}
	}
}
