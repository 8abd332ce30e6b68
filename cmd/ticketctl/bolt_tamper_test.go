package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	bbolt "go.etcd.io/bbolt"

	"github.com/ticketengine/ticketengine/adapters/eventstore/bolt"
	"github.com/ticketengine/ticketengine/application/eventlog"
)

// These tests change the bbolt file behind the store's back, as someone with access to
// the disk could, following the layout documented in adapters/eventstore/bolt/store.go:
// bucket "events" maps an 8-byte big-endian position to the encoded record; bucket
// "streams" maps uvarint(len(name)) ‖ name ‖ 8-byte big-endian version to the position.

// boltFixture is a store file with a randomized history, built once and copied per test.
type boltFixture struct {
	path string
	hist history
	recs []eventlog.Record // every record, in global order
}

func newBoltFixture(t *testing.T) boltFixture {
	t.Helper()
	path := filepath.Join(t.TempDir(), "events.db")
	s := openBolt(t, path)
	h := buildHistory(t, s, 11, 8, 150)
	recs, err := s.ReadAll(context.Background(), 0, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return boltFixture{path: path, hist: h, recs: recs}
}

// copyTo copies the store file for one test.
func (f boltFixture) copyTo(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(f.path)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "events.db")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// streamRecords returns the fixture's records of one stream.
func (f boltFixture) streamRecords(stream string) []eventlog.Record {
	var out []eventlog.Record
	for _, r := range f.recs {
		if r.Stream == stream {
			out = append(out, r)
		}
	}
	return out
}

// longStream returns a ticket stream with at least n events.
func (f boltFixture) longStream(t *testing.T, n int) []eventlog.Record {
	t.Helper()
	for _, id := range f.hist.tickets {
		if recs := f.streamRecords(eventlog.TicketStream(id)); len(recs) >= n {
			return recs
		}
	}
	t.Fatalf("no ticket has %d events", n)
	return nil
}

func openBolt(t *testing.T, path string) eventlog.EventStore {
	t.Helper()
	s, err := bolt.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// boltDataDir writes a randomized history (buildHistory) into the embedded store of a new
// data directory, for the CLI's --data, and returns the directory, the history and its
// records; the store is closed again.
func boltDataDir(t *testing.T, seed uint64, tickets, steps int) (string, history, []eventlog.Record) {
	t.Helper()
	data := t.TempDir()
	s := openBolt(t, filepath.Join(data, bolt.FileName))
	defer s.Close()
	h := buildHistory(t, s, seed, tickets, steps)
	recs, err := s.ReadAll(context.Background(), 0, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	return data, h, recs
}

// rawEdit changes the closed store file directly.
func rawEdit(t *testing.T, path string, edit func(events, streams *bbolt.Bucket) error) {
	t.Helper()
	db, err := bbolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Update(func(tx *bbolt.Tx) error {
		return edit(tx.Bucket([]byte("events")), tx.Bucket([]byte("streams")))
	}); err != nil {
		t.Fatal(err)
	}
}

func posKey(pos uint64) []byte { return binary.BigEndian.AppendUint64(nil, pos) }

func indexKey(stream string, version int64) []byte {
	k := binary.AppendUvarint(nil, uint64(len(stream)))
	k = append(k, stream...)
	return binary.BigEndian.AppendUint64(k, uint64(version))
}

// deleteRecords removes records and their index entries, as a careful intruder would.
func deleteRecords(events, streams *bbolt.Bucket, recs ...eventlog.Record) error {
	for _, r := range recs {
		if err := events.Delete(posKey(r.Position)); err != nil {
			return err
		}
		if err := streams.Delete(indexKey(r.Stream, r.Version)); err != nil {
			return err
		}
	}
	return nil
}

func verifyBolt(t *testing.T, path string, args ...string) cliResult {
	t.Helper()
	return runCLI(t, func() eventlog.EventStore { return openBolt(t, path) }, "", append([]string{"verify"}, args...)...)
}

// wantFinding fails unless verify exited 1 and named the record with the problem.
func wantFinding(t *testing.T, res cliResult, r eventlog.Record, problem string) {
	t.Helper()
	if res.code != exitFailed {
		t.Fatalf("verify exited %d, want %d; stdout:\n%s\nstderr:\n%s", res.code, exitFailed, res.stdout, res.stderr)
	}
	want := r.Stream + " v" + itoa(r.Version) + " (event " + r.ID.String() + ")"
	first := strings.SplitN(res.stdout, "\n", 2)[0]
	if !strings.Contains(first, want) || !strings.Contains(first, problem) {
		t.Fatalf("verify reported:\n%s\nwant a first line naming %q with %q", res.stdout, want, problem)
	}
}

func TestVerifyBoltUntouched(t *testing.T) {
	f := newBoltFixture(t)
	res := verifyBolt(t, f.copyTo(t))
	if res.code != exitOK || res.stdout != "" || !strings.Contains(res.stderr, "every hash chain verifies") {
		t.Fatalf("untouched store: exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
	}
}

func TestVerifyBoltAlteredData(t *testing.T) {
	f := newBoltFixture(t)
	path := f.copyTo(t)
	victim := f.longStream(t, 1)[0] // TicketReceived, whose data holds the subject
	rawEdit(t, path, func(events, _ *bbolt.Bucket) error {
		v := bytes.Clone(events.Get(posKey(victim.Position)))
		i := bytes.Index(v, []byte("Printer"))
		if i < 0 {
			t.Fatal("the subject is not in the stored record")
		}
		v[i+2] = '1' // "Pr1nter": same length, so the record still decodes
		return events.Put(posKey(victim.Position), v)
	})
	wantFinding(t, verifyBolt(t, path), victim, "altered")
	// --ticket checks that ticket's stream alone, and finds the same.
	wantFinding(t, verifyBolt(t, path, "--ticket", strings.TrimPrefix(victim.Stream, eventlog.TicketStreamPrefix)), victim, "altered")
}

func TestVerifyBoltDeletedEvent(t *testing.T) {
	f := newBoltFixture(t)
	path := f.copyTo(t)
	recs := f.longStream(t, 4)
	rawEdit(t, path, func(events, streams *bbolt.Bucket) error { return deleteRecords(events, streams, recs[2]) })
	wantFinding(t, verifyBolt(t, path), recs[3], "version 3 where 2 was expected")
	res := verifyBolt(t, path, "--json")
	var got finding
	if err := json.Unmarshal([]byte(strings.SplitN(res.stdout, "\n", 2)[0]), &got); err != nil || res.code != exitFailed {
		t.Fatalf("verify --json: %d %q %v", res.code, res.stdout, err)
	}
	if got.Position != recs[3].Position || got.Stream != recs[3].Stream || got.Version != 3 || got.EventID != recs[3].ID.String() {
		t.Fatalf("verify --json reported %+v, want event %s v3 at %d", got, recs[3].ID, recs[3].Position)
	}
}

func TestVerifyBoltSwappedEvents(t *testing.T) {
	f := newBoltFixture(t)
	path := f.copyTo(t)
	recs := f.longStream(t, 3)
	a, b := recs[1], recs[2]
	rawEdit(t, path, func(events, streams *bbolt.Bucket) error {
		va, vb := bytes.Clone(events.Get(posKey(a.Position))), bytes.Clone(events.Get(posKey(b.Position)))
		if err := events.Put(posKey(a.Position), vb); err != nil {
			return err
		}
		if err := events.Put(posKey(b.Position), va); err != nil {
			return err
		}
		if err := streams.Put(indexKey(a.Stream, a.Version), posKey(b.Position)); err != nil {
			return err
		}
		return streams.Put(indexKey(b.Stream, b.Version), posKey(a.Position))
	})
	// Read in global order, b (version 2) now comes where a (version 1) was.
	wantFinding(t, verifyBolt(t, path), b, "version 2 where 1 was expected")
}

// TestVerifyBoltUndecodableRecord: a record whose encoding no longer parses stops the
// read; verify fails naming its position rather than passing over it.
func TestVerifyBoltUndecodableRecord(t *testing.T) {
	f := newBoltFixture(t)
	path := f.copyTo(t)
	victim := f.recs[len(f.recs)/2]
	rawEdit(t, path, func(events, _ *bbolt.Bucket) error {
		v := bytes.Clone(events.Get(posKey(victim.Position)))
		return events.Put(posKey(victim.Position), v[:len(v)-3]) // cut the hash short
	})
	res := verifyBolt(t, path)
	if res.code != exitFailed || !strings.Contains(res.stderr, "record "+itoa(int64(victim.Position))) {
		t.Fatalf("verify of an undecodable record: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
}

// TestVerifyStreamsCatchesIndexTampering: the streams index changed (the last event of a
// stream unlisted; another stream's event listed in its place) leaves the global read
// intact, so only verify --streams sees what users would see.
func TestVerifyStreamsCatchesIndexTampering(t *testing.T) {
	f := newBoltFixture(t)
	recs := f.longStream(t, 4)
	unlisted := f.copyTo(t)
	rawEdit(t, unlisted, func(_, streams *bbolt.Bucket) error {
		return streams.Delete(indexKey(recs[0].Stream, recs[len(recs)-1].Version))
	})
	swapped := f.copyTo(t)
	var other eventlog.Record
	for _, r := range f.recs {
		if r.Stream != recs[0].Stream {
			other = r
			break
		}
	}
	rawEdit(t, swapped, func(_, streams *bbolt.Bucket) error {
		return streams.Put(indexKey(recs[0].Stream, 2), posKey(other.Position))
	})
	for path, problem := range map[string]string{unlisted: "per-stream read differs", swapped: "holds an event of " + other.Stream} {
		if res := verifyBolt(t, path); res.code != exitOK {
			t.Fatalf("plain verify exited %d: the global read was meant to be intact\n%s", res.code, res.stdout)
		}
		res := verifyBolt(t, path, "--streams")
		if res.code != exitFailed || !strings.Contains(res.stdout, recs[0].Stream) || !strings.Contains(res.stdout, problem) {
			t.Fatalf("verify --streams: %d\n%s%s\nwant %q", res.code, res.stdout, res.stderr, problem)
		}
	}
	if res := verifyBolt(t, f.copyTo(t), "--streams"); res.code != exitOK {
		t.Fatalf("untouched store, --streams: %d %s", res.code, res.stdout)
	}
}
