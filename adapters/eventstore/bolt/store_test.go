package bolt_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/adapters/eventstore/bolt"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/application/eventstoretest"
	"github.com/ticketengine/ticketengine/domain"
)

func TestConformance(t *testing.T) {
	eventstoretest.Run(t, func(t *testing.T) eventlog.EventStore {
		return openStore(t, filepath.Join(t.TempDir(), bolt.FileName))
	})
}

func openStore(t testing.TB, path string, opts ...bolt.Option) *bolt.Store {
	t.Helper()
	s, err := bolt.Open(context.Background(), path, opts...)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	return s
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

// appendStreams appends n streams of `each` records and returns them with positions.
func appendStreams(t *testing.T, s eventlog.EventStore, n, each int) []eventlog.Record {
	t.Helper()
	var all []eventlog.Record
	for range n {
		stream := eventstoretest.NewStreamName()
		out, err := s.Append(ctx(t), stream, eventlog.NoStream, eventstoretest.MakeRecords(t, stream, 0, "", each))
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, out...)
	}
	return all
}

// sameRecords fails unless got holds exactly want's records (ids, positions, hashes), in order.
func sameRecords(t *testing.T, what string, got, want []eventlog.Record) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d records, want %d", what, len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.ID != w.ID || g.Position != w.Position || g.Version != w.Version || g.Hash != w.Hash || !bytes.Equal(g.Data, w.Data) {
			t.Fatalf("%s: record %d is %s v%d @%d, want %s v%d @%d", what, i, g.ID, g.Version, g.Position, w.ID, w.Version, w.Position)
		}
	}
}

func TestReopenFindsEverything(t *testing.T) {
	path := filepath.Join(t.TempDir(), "events.db")
	s := openStore(t, path)
	want := appendStreams(t, s, 20, 3)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openStore(t, path)
	defer s.Close()
	all, err := s.ReadAll(ctx(t), 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	sameRecords(t, "read-all after reopen", all, want)
	stream, err := s.ReadStream(ctx(t), want[3].Stream)
	if err != nil {
		t.Fatal(err)
	}
	sameRecords(t, "stream after reopen", stream, want[3:6])
	// Positions continue after the last one, and versions after the stream's last.
	next := eventstoretest.MakeRecords(t, want[5].Stream, 3, want[5].Hash, 1)
	out, err := s.Append(ctx(t), want[5].Stream, 2, next)
	if err != nil {
		t.Fatal(err)
	}
	if out[0].Position != want[len(want)-1].Position+1 {
		t.Errorf("position after reopen %d, want %d", out[0].Position, want[len(want)-1].Position+1)
	}
	verify(t, s)
}

// verify checks every stream's hash chain over read-all and returns the records.
func verify(t *testing.T, s eventlog.EventStore) []eventlog.Record {
	t.Helper()
	v := eventlog.NewChainVerifier()
	var all []eventlog.Record
	for after := uint64(0); ; {
		page, err := s.ReadAll(context.Background(), after, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		for _, r := range page {
			if r.Position != after+1 {
				t.Fatalf("position %d follows %d: positions must be contiguous", r.Position, after)
			}
			v.Add(r)
			after = r.Position
		}
		all = append(all, page...)
	}
	for _, p := range v.Problems {
		t.Errorf("chain: %s", p)
	}
	return all
}

func TestBackupIsAConsistentStore(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, filepath.Join(dir, "events.db"))
	defer s.Close()
	want := appendStreams(t, s, 10, 2)
	var buf bytes.Buffer
	if err := s.Backup(ctx(t), &buf); err != nil {
		t.Fatal(err)
	}
	// Appends after the backup are not in it.
	appendStreams(t, s, 1, 1)
	copyPath := filepath.Join(dir, "copy.db")
	if err := os.WriteFile(copyPath, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	c := openStore(t, copyPath)
	defer c.Close()
	sameRecords(t, "backup", verify(t, c), want)

	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Backup(cancelled, &bytes.Buffer{}); !errors.Is(err, context.Canceled) {
		t.Errorf("backup with an ended context: %v, want context.Canceled", err)
	}
}

func TestInvalidAppendsWriteNothing(t *testing.T) {
	s := openStore(t, filepath.Join(t.TempDir(), "events.db"))
	defer s.Close()
	stream := eventstoretest.NewStreamName()
	good := eventstoretest.MakeRecords(t, stream, 0, "", 2)
	wrongVersion := eventstoretest.MakeRecords(t, stream, 1, "", 1)
	cases := map[string]struct {
		stream  string
		records []eventlog.Record
	}{
		"record of another stream": {eventstoretest.NewStreamName(), good},
		"version gap":              {stream, wrongVersion},
		"empty stream name":        {"", nil},
		"stream name too long":     {string(make([]byte, 2000)), nil},
	}
	for name, c := range cases {
		if _, err := s.Append(ctx(t), c.stream, eventlog.NoStream, c.records); !errors.Is(err, domain.ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", name, err)
		}
	}
	if all, _ := s.ReadAll(ctx(t), 0, 10); len(all) != 0 {
		t.Errorf("invalid appends wrote %d records", len(all))
	}
}

func TestClosedStore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "events.db")
	s := openStore(t, path)
	subErr := make(chan error, 1)
	go func() {
		subErr <- s.Subscribe(context.Background(), 0, func(context.Context, eventlog.Record) error { return nil })
	}()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-subErr; !errors.Is(err, bolt.ErrClosed) {
		t.Errorf("subscription after close: %v, want ErrClosed", err)
	}
	stream := eventstoretest.NewStreamName()
	if _, err := s.Append(ctx(t), stream, eventlog.NoStream, eventstoretest.MakeRecords(t, stream, 0, "", 1)); !errors.Is(err, bolt.ErrClosed) {
		t.Errorf("append after close: %v, want ErrClosed", err)
	}
	if _, err := s.ReadAll(ctx(t), 0, 10); !errors.Is(err, bolt.ErrClosed) {
		t.Errorf("read-all after close: %v, want ErrClosed", err)
	}
	if _, err := s.ReadStream(ctx(t), stream); !errors.Is(err, bolt.ErrClosed) {
		t.Errorf("read stream after close: %v, want ErrClosed", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second close: %v", err)
	}
}

func TestSecondOpenOfALockedFileFails(t *testing.T) {
	path := filepath.Join(t.TempDir(), "events.db")
	s := openStore(t, path)
	defer s.Close()
	if _, err := bolt.Open(ctx(t), path, bolt.WithLockTimeout(100*time.Millisecond)); err == nil {
		t.Fatal("a second open of a file in use succeeded")
	}
}

func TestOpenRefusesAForeignFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "events.db")
	if err := os.WriteFile(path, []byte("not a bbolt file, not at all, but long enough to look at"), 0o600); err != nil {
		t.Fatal(err)
	}
	if s, err := bolt.Open(ctx(t), path); err == nil {
		s.Close()
		t.Fatal("opened a file that is not a store")
	}
}

// TestHandlerMayAppend: a policy's handler issues commands from inside a subscription;
// the subscription must not hold anything the append waits for.
func TestHandlerMayAppend(t *testing.T) {
	s := openStore(t, filepath.Join(t.TempDir(), "events.db"))
	defer s.Close()
	first := appendStreams(t, s, 1, 1)[0]
	c, cancel := context.WithCancel(ctx(t))
	defer cancel()
	const reactions = 300
	var seen int
	done := errors.New("done")
	err := s.Subscribe(c, 0, func(hc context.Context, r eventlog.Record) error {
		seen++
		if seen > reactions {
			return done
		}
		// Each record causes one more, on its stream: the subscription feeds itself.
		next := eventstoretest.MakeRecords(t, r.Stream, r.Version+1, r.Hash, 1)
		_, err := s.Append(hc, r.Stream, r.Version, next)
		return err
	})
	if !errors.Is(err, done) {
		t.Fatalf("subscription ended with %v after %d records", err, seen)
	}
	got, _ := s.ReadStream(ctx(t), first.Stream)
	if len(got) != reactions+1 {
		t.Errorf("stream has %d records, want %d", len(got), reactions+1)
	}
	verify(t, s)
}
