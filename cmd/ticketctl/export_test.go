package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/adapters/eventstore/memory"
	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/backup"
)

func exportAll(t *testing.T, store application.EventStore, f backup.Filter) string {
	t.Helper()
	var out bytes.Buffer
	if _, err := backup.Export(context.Background(), store, f, &out); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

func importAll(t *testing.T, store application.EventStore, file string) (int, error) {
	t.Helper()
	return backup.Import(context.Background(), store, strings.NewReader(file))
}

// TestExportImportRoundTripMemoryBolt: memory → export → bolt → export → memory → export,
// every export byte for byte the same, and the imported store's records equal the
// original's in everything but position.
func TestExportImportRoundTripMemoryBolt(t *testing.T) {
	src := memory.New()
	buildHistory(t, src, 5, 10, 200)
	first := exportAll(t, src, backup.Filter{})
	bolted := openBolt(t, filepath.Join(t.TempDir(), "events.db"))
	defer bolted.Close()
	n, err := importAll(t, bolted, first)
	if err != nil {
		t.Fatal(err)
	}
	if lines := strings.Count(first, "\n"); n != lines {
		t.Fatalf("imported %d of %d lines", n, lines)
	}
	second := exportAll(t, bolted, backup.Filter{})
	back := memory.New()
	if _, err := importAll(t, back, second); err != nil {
		t.Fatal(err)
	}
	third := exportAll(t, back, backup.Filter{})
	if first != second || second != third {
		t.Fatalf("exports differ:\n%.400s\n%.400s", first, second)
	}
	sameHistory(t, src, bolted)
	if rep, err := verifyStore(context.Background(), bolted, verifyOptions{}, newProgress("", nil, 0)); err != nil || !rep.OK() {
		t.Fatalf("imported store does not verify: %v %v", err, rep.Problems)
	}
}

// sameHistory compares two stores record by record, in global order, ignoring positions.
func sameHistory(t *testing.T, a, b application.EventStore) {
	t.Helper()
	ra, _ := a.ReadAll(context.Background(), 0, 1<<20)
	rb, _ := b.ReadAll(context.Background(), 0, 1<<20)
	if len(ra) != len(rb) {
		t.Fatalf("%d records, want %d", len(rb), len(ra))
	}
	for i := range ra {
		x, y := ra[i], rb[i]
		dx, _ := application.CanonicalJSON(x.Data)
		dy, _ := application.CanonicalJSON(y.Data)
		if x.ID != y.ID || x.Stream != y.Stream || x.Version != y.Version || x.Type != y.Type || x.Hash != y.Hash ||
			x.PrevHash != y.PrevHash || !bytes.Equal(dx, dy) || !x.Meta.OccurredAt.Equal(y.Meta.OccurredAt) ||
			x.Meta.Actor != y.Meta.Actor || x.Meta.CorrelationID != y.Meta.CorrelationID || x.Meta.IdempotencyKey != y.Meta.IdempotencyKey {
			t.Fatalf("record %d differs:\n%+v\n%+v", i, x, y)
		}
	}
}

func TestImportRefusesNonEmptyStore(t *testing.T) {
	src := memory.New()
	buildHistory(t, src, 5, 2, 10)
	file := exportAll(t, src, backup.Filter{})
	if _, err := importAll(t, src, file); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("import into a non-empty store: %v", err)
	}
}

// TestImportRefusesBrokenFile: an altered value, a missing line, two lines swapped and a
// window that starts mid-stream are each refused before anything is written.
func TestImportRefusesBrokenFile(t *testing.T) {
	src := memory.New()
	h := buildHistory(t, src, 5, 4, 60)
	file := exportAll(t, src, backup.Filter{})
	lines := strings.SplitAfter(file, "\n")
	lines = lines[:len(lines)-1]
	at := -1
	for i, l := range lines {
		if strings.Contains(l, `"version":2`) && strings.Contains(l, `"stream":"ticket-`) {
			at = i
			break
		}
	}
	next := -1
	for i := at + 1; i < len(lines); i++ {
		if streamOf(lines[i]) == streamOf(lines[at]) {
			next = i
			break
		}
	}
	if at < 0 || next < 0 {
		t.Fatal("the history has no ticket with four events")
	}
	altered := strings.Replace(file, "Printer", "Pr1nter", 1)
	missing := strings.Join(append(append([]string{}, lines[:at]...), lines[at+1:]...), "")
	swapped := append([]string{}, lines...)
	swapped[at], swapped[next] = swapped[next], swapped[at]
	mid := h.start.Add(h.end.Sub(h.start) / 2)
	cases := map[string]string{
		"altered": altered, "missing": missing, "swapped": strings.Join(swapped, ""),
		"window":  exportAll(t, src, backup.Filter{From: mid}),
		"garbage": file + "{\"not\":\"an event\"}\n",
	}
	for name, broken := range cases {
		dst := memory.New()
		if _, err := importAll(t, dst, broken); err == nil {
			t.Fatalf("%s: imported", name)
		} else {
			t.Logf("%s: %v", name, err)
		}
		if recs, _ := dst.ReadAll(context.Background(), 0, 10); len(recs) != 0 {
			t.Fatalf("%s: %d records written before the refusal", name, len(recs))
		}
	}
}

func streamOf(line string) string {
	_, after, _ := strings.Cut(line, `"stream":"`)
	s, _, _ := strings.Cut(after, `"`)
	return s
}

// TestExportFilters: --from/--to windows split the export without loss or repeat, and
// --ticket keeps exactly that ticket's events.
func TestExportFilters(t *testing.T) {
	src := memory.New()
	h := buildHistory(t, src, 9, 6, 120)
	all := exportAll(t, src, backup.Filter{})
	recs, _ := src.ReadAll(context.Background(), 0, 1<<20)
	mid := recs[len(recs)/2].Meta.OccurredAt // an event's own moment: the edge case
	before := exportAll(t, src, backup.Filter{To: mid})
	after := exportAll(t, src, backup.Filter{From: mid})
	if before+after != all || before == "" || after == "" {
		t.Fatalf("windows split at %s do not add up: %d + %d bytes of %d", mid, len(before), len(after), len(all))
	}
	if exportAll(t, src, backup.Filter{From: h.end.Add(time.Hour)}) != "" {
		t.Fatal("a window after the last event is not empty")
	}
	id := h.tickets[2]
	one := exportAll(t, src, backup.Filter{Ticket: id})
	want := ""
	for _, l := range strings.SplitAfter(all, "\n") {
		if streamOf(l) == application.TicketStream(id) {
			want += l
		}
	}
	if one != want || want == "" {
		t.Fatalf("--ticket export:\n%s\nwant\n%s", one, want)
	}
}

// TestCLIExportImport drives the commands: export --out, import from stdin (a pipe) and
// from --in, and refusals with their exit codes.
func TestCLIExportImport(t *testing.T) {
	src := memory.New()
	buildHistory(t, src, 2, 3, 40)
	file := filepath.Join(t.TempDir(), "history.jsonl")
	res := runCLI(t, func() application.EventStore { return keepOpen{src} }, "", "export", "--out", file)
	if res.code != exitOK || res.stdout != "" {
		t.Fatalf("export: %d %s", res.code, res.stderr)
	}
	content, err := os.ReadFile(file)
	if err != nil || string(content) != exportAll(t, src, backup.Filter{}) {
		t.Fatalf("the file is not the export: %v", err)
	}
	dst := memory.New()
	res = runCLI(t, func() application.EventStore { return keepOpen{dst} }, string(content), "import")
	if res.code != exitOK || !strings.Contains(res.stderr, "events imported") {
		t.Fatalf("import from stdin: %d %s", res.code, res.stderr)
	}
	res = runCLI(t, func() application.EventStore { return keepOpen{dst} }, "", "import", "--in", file)
	if res.code != exitFailed || !strings.Contains(res.stderr, "not empty") {
		t.Fatalf("second import: %d %s", res.code, res.stderr)
	}
	res = runCLI(t, func() application.EventStore { return keepOpen{dst} }, "", "export")
	if res.stdout != string(content) {
		t.Fatal("export of the imported store differs")
	}
	if res := runCLI(t, func() application.EventStore { return keepOpen{dst} }, "", "export", "--from", "yesterday"); res.code != exitUsage {
		t.Fatalf("bad time: exit %d", res.code)
	}
}
