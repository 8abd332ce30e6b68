package esdb_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"testing"
	"time"

	client "github.com/EventStore/EventStore-Client-Go/v4/esdb"

	"github.com/ticketengine/ticketengine/adapters/eventstore/esdb"
	"github.com/ticketengine/ticketengine/adapters/eventstore/esdb/esdbtest"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/application/eventstoretest"
)

// TestRetryWithSameIDsIsIdempotent: the application derives event ids from idempotency
// keys, so a retried append (same ids, same expected version) is acknowledged by the
// server without a second copy, and returns the positions first stored.
func TestRetryWithSameIDsIsIdempotent(t *testing.T) {
	srv := esdbtest.Start(t)
	s := open(t, srv.ConnectionString())
	ctx := context.Background()
	for _, n := range []int{1, 3} {
		t.Run(map[int]string{1: "OneRecord", 3: "Batch"}[n], func(t *testing.T) {
			stream := eventstoretest.NewStreamName()
			recs := eventstoretest.MakeRecords(t, stream, 0, "", n)
			first, err := s.Append(ctx, stream, eventlog.NoStream, recs)
			if err != nil {
				t.Fatal(err)
			}
			again, err := s.Append(ctx, stream, eventlog.NoStream, recs)
			if err != nil {
				t.Fatalf("retry with the same ids: %v", err)
			}
			for i := range first {
				if again[i].Position != first[i].Position || again[i].Position == 0 {
					t.Errorf("record %d: retry says position %d, first append %d", i, again[i].Position, first[i].Position)
				}
			}
			if got, _ := s.ReadStream(ctx, stream); len(got) != n {
				t.Errorf("stream has %d records after the retry, want %d", len(got), n)
			}
		})
	}
	if st := srv.Stats(); st.Idempotent != 2 {
		t.Errorf("server acknowledged %d appends as repeats, want 2", st.Idempotent)
	}
}

// TestVersionConflictSaysActualVersion: the server's wrong-expected-version answer
// becomes a VersionConflictError with the stream's actual version.
func TestVersionConflictSaysActualVersion(t *testing.T) {
	s := open(t, esdbtest.Start(t).ConnectionString())
	ctx := context.Background()
	stream := eventstoretest.NewStreamName()
	recs := appendN(t, s, stream, nil, 2)
	cases := []struct {
		stream           string
		expected, actual int64
	}{
		{stream, 0, 1},
		{stream, eventlog.NoStream, 1},
		{stream, 4, 1},
		{eventstoretest.NewStreamName(), 0, eventlog.NoStream},
	}
	for _, c := range cases {
		_, err := s.Append(ctx, c.stream, c.expected, eventstoretest.MakeRecords(t, c.stream, c.expected+1, recs[1].Hash, 1))
		var conflict *eventlog.VersionConflictError
		if !errors.As(err, &conflict) || !errors.Is(err, eventlog.ErrWrongExpectedVersion) {
			t.Fatalf("expected %d: got %v, want a VersionConflictError", c.expected, err)
		}
		if conflict.Expected != c.expected || conflict.Actual != c.actual || conflict.Stream != c.stream {
			t.Errorf("got %+v, want expected %d actual %d", conflict, c.expected, c.actual)
		}
	}
}

// TestStoredFormat pins what an operator sees in EventStoreDB: the application's
// stream name, the record's id, type and JSON data, and the rest as JSON metadata.
func TestStoredFormat(t *testing.T) {
	srv := esdbtest.Start(t)
	s := open(t, srv.ConnectionString())
	stream := eventstoretest.NewStreamName()
	rec := appendN(t, s, stream, nil, 1)[0]
	rs, err := esdbtest.Client(t, srv.ConnectionString()).ReadStream(context.Background(), stream, client.ReadStreamOptions{}, 10)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	ev, err := rs.Recv()
	if err != nil {
		t.Fatal(err)
	}
	e := ev.OriginalEvent()
	if e.EventID != rec.ID || e.EventType != rec.Type || e.ContentType != "application/json" || string(e.Data) != string(rec.Data) {
		t.Errorf("stored event %s %q %q %s, want %s %q application/json %s", e.EventID, e.EventType, e.ContentType, e.Data, rec.ID, rec.Type, rec.Data)
	}
	if e.Position.Commit != rec.Position || e.EventNumber != 0 {
		t.Errorf("stored at %d revision %d, record says position %d version 0", e.Position.Commit, e.EventNumber, rec.Position)
	}
	var meta map[string]json.RawMessage
	if err := json.Unmarshal(e.UserMetadata, &meta); err != nil {
		t.Fatalf("metadata is not JSON: %v", err)
	}
	for _, k := range []string{"id", "version", "metadata", "prev_hash", "hash"} {
		if _, ok := meta[k]; !ok {
			t.Errorf("metadata lacks %q: %s", k, e.UserMetadata)
		}
	}
	if _, err := rs.Recv(); !errors.Is(err, io.EOF) {
		t.Errorf("after the only event: %v, want EOF", err)
	}
}

// TestForeignAndSystemEventsAreSkipped: $all also holds system events and other
// applications' streams; neither reaches ReadAll nor Subscribe, and the engine does
// not write outside its own prefixes.
func TestForeignAndSystemEventsAreSkipped(t *testing.T) {
	srv := esdbtest.Start(t)
	s := open(t, srv.ConnectionString())
	ctx := context.Background()
	raw := esdbtest.Client(t, srv.ConnectionString())
	foreign := func(stream string) {
		t.Helper()
		_, err := raw.AppendToStream(ctx, stream, client.AppendToStreamOptions{},
			client.EventData{EventType: "Other", ContentType: client.ContentTypeJson, Data: []byte(`{}`)})
		if err != nil {
			t.Fatal(err)
		}
	}
	foreign("orders-1")
	foreign("$stats-127.0.0.1")
	foreign("ticket-") // the bare prefix is no ticket
	stream := eventstoretest.NewStreamName()
	mine := appendN(t, s, stream, nil, 2)
	foreign("tickets-archive")
	mine = append(mine, appendN(t, s, stream, mine, 1)...)
	got, err := s.ReadAll(ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(mine) {
		t.Fatalf("read-all gave %d records, want the engine's %d", len(got), len(mine))
	}
	sub := subscribe(t, s, 0)
	sub.expect(t, mine)
	sub.expectNothing(t)
	if _, err := s.Append(ctx, "orders-2", eventlog.NoStream, eventstoretest.MakeRecords(t, "orders-2", 0, "", 1)); err == nil {
		t.Error("append to a stream without the engine's prefixes was accepted")
	}
}

// TestRecoversFromServerRestart: the server goes away long enough for the official
// client to give up and close itself; the store renews the client, the subscription
// resumes, and appends work again, with nothing lost.
func TestRecoversFromServerRestart(t *testing.T) {
	srv := esdbtest.Start(t)
	// Few discovery attempts, so the client gives up within the test's outage.
	s := open(t, srv.ConnectionString()+"&maxDiscoverAttempts=2&discoveryInterval=50")
	stream := eventstoretest.NewStreamName()
	before := appendN(t, s, stream, nil, 2)
	sub := subscribe(t, s, 0)
	sub.expect(t, before)
	if err := srv.Restart(time.Second); err != nil {
		t.Fatal(err)
	}
	// Only the subscription uses the store during the outage: calls made concurrently
	// with the client's failing discovery are TestConcurrentCallsDuringOutage's subject.
	waitFor(t, "the subscription to come back", func() bool { return srv.Subscriptions() == 1 })
	after := appendN(t, s, stream, before, 2)
	sub.expect(t, after)
	sub.expectNothing(t)
}

// TestOpenFailsWithoutServer: Open reports an unreachable server instead of returning
// a store that fails later.
func TestOpenFailsWithoutServer(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := lis.Addr().String()
	lis.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if s, err := esdb.Open(ctx, "esdb://"+addr+"?tls=false&maxDiscoverAttempts=1"); err == nil {
		s.Close()
		t.Fatal("Open succeeded with no server listening")
	}
	if _, err := esdb.Open(ctx, "postgres://nope"); err == nil {
		t.Fatal("Open accepted a connection string that is not esdb://")
	}
}

// TestCloseEndsSubscriptions: closing the store ends its subscriptions with ErrClosed
// instead of leaving them retrying.
func TestCloseEndsSubscriptions(t *testing.T) {
	_, s, done := idleSubscription(t)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if !errors.Is(err, esdb.ErrClosed) {
			t.Errorf("subscription ended with %v, want ErrClosed", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("subscription still running after Close")
	}
	if _, err := s.ReadStream(context.Background(), eventstoretest.NewStreamName()); !errors.Is(err, esdb.ErrClosed) {
		t.Errorf("read after Close: %v, want ErrClosed", err)
	}
}

// TestServerWithoutStreamReadPositions: against a server that sends no positions on
// stream reads (older releases), appends still return each record's $all position, read
// from $all; ReadStream can only say 0.
func TestServerWithoutStreamReadPositions(t *testing.T) {
	srv := esdbtest.Start(t)
	srv.SetStreamReadPositions(false)
	s := open(t, srv.ConnectionString())
	ctx := context.Background()
	stream := eventstoretest.NewStreamName()
	appended := appendN(t, s, stream, nil, 3)
	appended = append(appended, appendN(t, s, stream, appended, 1)...)
	all, err := s.ReadAll(ctx, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != len(appended) {
		t.Fatalf("read-all has %d records, want %d", len(all), len(appended))
	}
	for i := range all {
		if appended[i].Position != all[i].Position || all[i].Position == 0 {
			t.Errorf("record %d: append said position %d, $all has %d", i, appended[i].Position, all[i].Position)
		}
	}
	read, err := s.ReadStream(ctx, stream)
	if err != nil || len(read) != 4 {
		t.Fatalf("read %d records, err %v", len(read), err)
	}
	if read[0].Position != 0 {
		t.Errorf("stream read without server positions says %d, want 0 (unknown)", read[0].Position)
	}
}

// TestReadStreamFromPages: a read from a revision pages on from that revision (the
// server's pages hold 512 events), so a tail longer than a page comes back whole.
func TestReadStreamFromPages(t *testing.T) {
	srv := esdbtest.Start(t)
	s := open(t, srv.ConnectionString())
	ctx := context.Background()
	stream := eventstoretest.NewStreamName()
	appended := appendN(t, s, stream, nil, 1030)
	for _, from := range []int64{0, 5, 517, 1029, 1030} {
		got, err := s.ReadStreamFrom(ctx, stream, from)
		if err != nil {
			t.Fatalf("from %d: %v", from, err)
		}
		want := appended[from:]
		if len(got) != len(want) {
			t.Fatalf("from %d: %d records, want %d", from, len(got), len(want))
		}
		for i := range want {
			if got[i].ID != want[i].ID || got[i].Version != want[i].Version {
				t.Fatalf("from %d, record %d: %s v%d, want %s v%d", from, i, got[i].ID, got[i].Version, want[i].ID, want[i].Version)
			}
		}
	}
}
