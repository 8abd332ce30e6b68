package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/adapters/blobstore/files"
	"github.com/ticketengine/ticketengine/adapters/eventstore/memstore"
	"github.com/ticketengine/ticketengine/application/attachments"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/application/eventstoretest"
)

// TestCLIAttachmentFiles: verify checks each upload's file against its event (a missing
// or altered file fails it); export --files carries the files beside the events and
// import --files brings them back under the new data directory, where verify passes.
func TestCLIAttachmentFiles(t *testing.T) {
	ctx := context.Background()
	src, data := memstore.New(), t.TempDir()
	blobs, err := files.Open(filepath.Join(data, "attachments"))
	if err != nil {
		t.Fatal(err)
	}
	svc, err := attachments.New(attachments.Config{Store: src, Blobs: blobs, Clock: eventstoretest.NewClock(time.Now())})
	if err != nil {
		t.Fatal(err)
	}
	var sums []string
	for _, body := range []string{"%PDF-1.4 one", "%PDF-1.4 two"} {
		a, err := svc.Upload(ctx, attachments.Upload{Uploader: "admin", Filename: "f.pdf", Meta: eventlog.Metadata{Actor: "admin"}}, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		sums = append(sums, a.SHA256)
	}
	open := func() eventlog.EventStore { return keepOpen{src} }
	if res := runCLI(t, open, "", "--data", data, "verify"); res.code != exitOK || !strings.Contains(res.stderr, "2 attachment files match") {
		t.Fatalf("verify: %d %s", res.code, res.stderr)
	}
	exported, events := t.TempDir(), filepath.Join(t.TempDir(), "h.jsonl")
	if res := runCLI(t, open, "", "--data", data, "export", "--out", events, "--files", exported); res.code != exitOK {
		t.Fatalf("export: %d %s", res.code, res.stderr)
	}
	dst, data2 := memstore.New(), t.TempDir()
	open2 := func() eventlog.EventStore { return keepOpen{dst} }
	if res := runCLI(t, open2, "", "--data", data2, "import", "--in", events, "--files", exported); res.code != exitOK || !strings.Contains(res.stderr, "2 attachment files copied") {
		t.Fatalf("import: %d %s", res.code, res.stderr)
	}
	if res := runCLI(t, open2, "", "--data", data2, "verify"); res.code != exitOK {
		t.Fatalf("verify after import: %d %s", res.code, res.stderr)
	}
	altered := blobs.Path(sums[0])
	if err := os.WriteFile(altered, []byte("%PDF-1.4 changed"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(blobs.Path(sums[1])); err != nil {
		t.Fatal(err)
	}
	res := runCLI(t, open, "", "--data", data, "verify")
	if res.code != exitFailed || !strings.Contains(res.stdout, "altered") || !strings.Contains(res.stdout, "missing") {
		t.Fatalf("verify of an altered and a missing file: %d\n%s\n%s", res.code, res.stdout, res.stderr)
	}
	bad := t.TempDir()
	res = runCLI(t, open, "", "--data", data, "export", "--out", filepath.Join(bad, "h.jsonl"), "--files", bad)
	if _, err := os.Stat(filepath.Join(bad, "h.jsonl")); res.code != exitFailed || !bytes.Contains([]byte(res.stderr), []byte("attachment files")) || err == nil {
		t.Fatalf("export with a missing file: %d %s (the events file: %v)", res.code, res.stderr, err)
	}
}
