package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	bbolt "go.etcd.io/bbolt"

	"github.com/ticketengine/ticketengine/application/eventlog"
)

// keepHeads runs verify --heads on the store file and keeps the listing in a file.
func keepHeads(t *testing.T, path string) string {
	t.Helper()
	res := verifyBolt(t, path, "--heads")
	if res.code != exitOK {
		t.Fatalf("verify --heads exited %d: %s", res.code, res.stderr)
	}
	kept := filepath.Join(t.TempDir(), "heads.txt")
	if err := os.WriteFile(kept, []byte(res.stdout), 0o600); err != nil {
		t.Fatal(err)
	}
	return kept
}

// wantKeptProblem: the chain alone cannot tell (verify passes), the kept heads can.
func wantKeptProblem(t *testing.T, path, kept, stream, problem string) {
	t.Helper()
	if res := verifyBolt(t, path); res.code != exitOK {
		t.Fatalf("plain verify exited %d; this change was meant to keep every chain whole:\n%s", res.code, res.stdout)
	}
	res := verifyBolt(t, path, "--expect-heads", kept)
	if res.code != exitFailed || !strings.Contains(res.stdout, stream) || !strings.Contains(res.stdout, problem) {
		t.Fatalf("verify --expect-heads exited %d:\n%s\nwant %s: %q", res.code, res.stdout, stream, problem)
	}
}

func TestHeadsListing(t *testing.T) {
	f := newBoltFixture(t)
	path := f.copyTo(t)
	kept := keepHeads(t, path)
	b, _ := os.ReadFile(kept)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	streams := map[string]bool{}
	for _, r := range f.recs {
		streams[r.Stream] = true
	}
	if len(lines) != len(streams)+1 || !strings.HasPrefix(lines[len(lines)-1], "sha256 ") {
		t.Fatalf("%d lines for %d streams; last %q", len(lines), len(streams), lines[len(lines)-1])
	}
	// Unchanged store: the kept heads match, and a second listing is the same bytes.
	if res := verifyBolt(t, path, "--expect-heads", kept); res.code != exitOK {
		t.Fatalf("unchanged store against its own heads: exit %d\n%s", res.code, res.stdout)
	}
	if again := verifyBolt(t, path, "--heads"); again.stdout != string(b) {
		t.Fatal("two heads listings of one store differ")
	}
	digest := strings.TrimPrefix(lines[len(lines)-1], "sha256 ")
	if res := verifyBolt(t, path, "--expect-heads", kept, "--expect-digest", "sha256:"+strings.ToUpper(digest)); res.code != exitOK {
		t.Fatalf("--expect-digest with the listing's own digest: exit %d %s", res.code, res.stderr)
	}
	other := strings.Repeat("0", 64)
	if res := verifyBolt(t, path, "--expect-heads", kept, "--expect-digest", other); res.code != exitFailed || !strings.Contains(res.stderr, "replaced") {
		t.Fatalf("--expect-digest with another digest: exit %d %s", res.code, res.stderr)
	}
	// An edited listing is refused, not trusted.
	edited := strings.Replace(string(b), " 0 ", " 1 ", 1)
	if err := os.WriteFile(kept, []byte(edited), 0o600); err != nil {
		t.Fatal(err)
	}
	if res := verifyBolt(t, path, "--expect-heads", kept); res.code != exitFailed || !strings.Contains(res.stderr, "edited") {
		t.Fatalf("edited listing: exit %d, %s", res.code, res.stderr)
	}
}

// deletedAfterKeep copies the bolt fixture, keeps its heads, and then deletes from the
// copy the records of a stream of n that pick chooses: the copy's path, the kept heads
// and the whole stream's records.
func deletedAfterKeep(t *testing.T, n int, pick func([]eventlog.Record) []eventlog.Record) (string, string, []eventlog.Record) {
	t.Helper()
	f := newBoltFixture(t)
	path := f.copyTo(t)
	kept := keepHeads(t, path)
	recs := f.longStream(t, n)
	rawEdit(t, path, func(events, streams *bbolt.Bucket) error { return deleteRecords(events, streams, pick(recs)...) })
	return path, kept, recs
}

func TestHeadsCatchTruncation(t *testing.T) {
	path, kept, recs := deletedAfterKeep(t, 3, func(r []eventlog.Record) []eventlog.Record { return r[len(r)-1:] })
	wantKeptProblem(t, path, kept, recs[0].Stream, "newer events were removed")
}

// allRecords picks a whole stream for deletedAfterKeep.
func allRecords(r []eventlog.Record) []eventlog.Record { return r }

func TestHeadsCatchDeletedStream(t *testing.T) {
	path, kept, recs := deletedAfterKeep(t, 2, allRecords)
	wantKeptProblem(t, path, kept, recs[0].Stream, "the stream is gone")
}

// TestHeadsCatchRewrittenStream: a stream deleted and appended again with other data and
// fresh hashes verifies on its own; only the kept heads show it.
func TestHeadsCatchRewrittenStream(t *testing.T) {
	path, kept, recs := deletedAfterKeep(t, 2, allRecords)
	forged := make([]eventlog.Record, len(recs))
	for i, r := range recs {
		r.Position = 0
		if i == 0 {
			var data map[string]any
			_ = json.Unmarshal(r.Data, &data)
			data["subject"] = "nothing happened here"
			r.Data, _ = json.Marshal(data)
		}
		forged[i] = r
	}
	if err := eventlog.Seal("", forged); err != nil {
		t.Fatal(err)
	}
	s := openBolt(t, path)
	if _, err := s.Append(context.Background(), recs[0].Stream, eventlog.NoStream, forged); err != nil {
		t.Fatal(err)
	}
	s.Close()
	wantKeptProblem(t, path, kept, recs[0].Stream, "the stream was rewritten")
}
