package esdbtest_test

import (
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/google/uuid"

	client "github.com/EventStore/EventStore-Client-Go/v4/esdb"

	"github.com/ticketengine/ticketengine/adapters/eventstore/esdb/esdbtest"
)

// These tests hold the test server to the real server's semantics, through the
// official client, so that the adapter's tests mean something.

func connect(t *testing.T) (*esdbtest.Server, *client.Client) {
	t.Helper()
	srv := esdbtest.Start(t)
	return srv, esdbtest.Client(t, srv.ConnectionString())
}

func ev(id uuid.UUID, typ string) client.EventData {
	return client.EventData{EventID: id, EventType: typ, ContentType: client.ContentTypeJson, Data: []byte(`{"a":1}`)}
}

func appendTo(c *client.Client, stream string, rev client.ExpectedRevision, evs ...client.EventData) error {
	_, err := c.AppendToStream(context.Background(), stream, client.AppendToStreamOptions{ExpectedRevision: rev}, evs...)
	return err
}

func isWrongVersion(err error) bool {
	var e *client.Error
	return errors.As(err, &e) && e.Code() == client.ErrorCodeWrongExpectedVersion
}

// drain collects a read's events; drain{t}.all(c.ReadAll(…)).
type drain struct{ t *testing.T }

func (d drain) all(rs *client.ReadStream, err error) []*client.RecordedEvent {
	t := d.t
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	var out []*client.RecordedEvent
	for {
		e, err := rs.Recv()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, e.OriginalEvent())
	}
}

func TestExpectedRevisions(t *testing.T) {
	_, c := connect(t)
	if err := appendTo(c, "s", client.NoStream{}, ev(uuid.New(), "A"), ev(uuid.New(), "A")); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		stream string
		rev    client.ExpectedRevision
		wrong  bool
	}{
		{"missing/StreamExists", "m1", client.StreamExists{}, true},
		{"missing/Revision0", "m2", client.StreamRevision{Value: 0}, true},
		{"missing/Any", "m3", client.Any{}, false},
		{"missing/NoStream", "m4", client.NoStream{}, false},
		{"existing/NoStream", "s", client.NoStream{}, true},
		{"existing/Behind", "s", client.StreamRevision{Value: 0}, true},
		{"existing/Ahead", "s", client.StreamRevision{Value: 5}, true},
		{"existing/Current", "s", client.StreamRevision{Value: 1}, false},
		{"existing/StreamExists", "s", client.StreamExists{}, false},
		{"existing/Any", "s", client.Any{}, false},
	}
	for _, tc := range cases {
		err := appendTo(c, tc.stream, tc.rev, ev(uuid.New(), "B"))
		if tc.wrong != isWrongVersion(err) || (!tc.wrong && err != nil) {
			t.Errorf("%s: got %v, want wrong expected version %v", tc.name, err, tc.wrong)
		}
	}
}

// TestIdempotentAppends: the same ids at the same expected revision are acknowledged
// without a second write; a partial repeat is a wrong expected version.
func TestIdempotentAppends(t *testing.T) {
	srv, c := connect(t)
	a, b := uuid.New(), uuid.New()
	if err := appendTo(c, "s", client.NoStream{}, ev(a, "A"), ev(b, "A")); err != nil {
		t.Fatal(err)
	}
	repeats := []struct {
		name  string
		rev   client.ExpectedRevision
		evs   []client.EventData
		wrong bool
	}{
		{"SameBatch", client.NoStream{}, []client.EventData{ev(a, "A"), ev(b, "A")}, false},
		{"FirstOfBatch", client.NoStream{}, []client.EventData{ev(a, "A")}, false},
		{"SecondAtItsRevision", client.StreamRevision{Value: 0}, []client.EventData{ev(b, "A")}, false},
		{"Partial", client.NoStream{}, []client.EventData{ev(a, "A"), ev(uuid.New(), "A")}, true},
		{"AnySame", client.Any{}, []client.EventData{ev(a, "A"), ev(b, "A")}, false},
		{"AnyPartial", client.Any{}, []client.EventData{ev(b, "A"), ev(uuid.New(), "A")}, true},
	}
	for _, r := range repeats {
		err := appendTo(c, "s", r.rev, r.evs...)
		if r.wrong != isWrongVersion(err) || (!r.wrong && err != nil) {
			t.Errorf("%s: got %v, want wrong expected version %v", r.name, err, r.wrong)
		}
	}
	got := drain{t}.all(c.ReadStream(context.Background(), "s", client.ReadStreamOptions{}, 100))
	if len(got) != 2 {
		t.Errorf("stream has %d events after repeats, want 2", len(got))
	}
	if st := srv.Stats(); st.Appends != 1 || st.Idempotent != 4 || st.WrongVersion != 2 {
		t.Errorf("stats %+v, want 1 write, 4 repeats, 2 wrong versions", st)
	}
}

func TestReads(t *testing.T) {
	_, c := connect(t)
	ctx := context.Background()
	for i := range 3 {
		if err := appendTo(c, "s", client.Any{}, ev(uuid.New(), string(rune('A'+i)))); err != nil {
			t.Fatal(err)
		}
	}
	all := drain{t}.all(c.ReadAll(ctx, client.ReadAllOptions{}, 100))
	if len(all) != 4 || all[0].StreamID != "$epoch-information" {
		t.Fatalf("$all from the start: %d events, first in %q; want 4, the system event first", len(all), all[0].StreamID)
	}
	if d := time.Since(all[1].CreatedDate); d < 0 || d > time.Minute {
		t.Errorf("created %v is not .NET ticks of now", all[1].CreatedDate)
	}
	for i := 1; i < len(all); i++ {
		if all[i].Position.Commit <= all[i-1].Position.Commit || all[i].Position.Commit != all[i].Position.Prepare {
			t.Errorf("positions %+v then %+v", all[i-1].Position, all[i].Position)
		}
	}
	from := drain{t}.all(c.ReadAll(ctx, client.ReadAllOptions{From: all[2].Position}, 100))
	if len(from) != 2 || from[0].EventID != all[2].EventID {
		t.Errorf("forwards from a position must include it: got %d events", len(from))
	}
	back := drain{t}.all(c.ReadAll(ctx, client.ReadAllOptions{Direction: client.Backwards, From: all[2].Position}, 100))
	if len(back) != 2 || back[0].EventID != all[1].EventID {
		t.Errorf("backwards from a position must exclude it: got %d events", len(back))
	}
	last := drain{t}.all(c.ReadStream(ctx, "s", client.ReadStreamOptions{Direction: client.Backwards, From: client.End{}}, 1))
	if len(last) != 1 || last[0].EventType != "C" || last[0].EventNumber != 2 {
		t.Errorf("last event of the stream: %+v", last)
	}
	mid := drain{t}.all(c.ReadStream(ctx, "s", client.ReadStreamOptions{From: client.Revision(1)}, 1))
	if len(mid) != 1 || mid[0].EventType != "B" {
		t.Errorf("stream from revision 1, count 1: %+v", mid)
	}
	// Past the end of an existing stream: no events, and no error (the stream exists).
	past := drain{t}.all(c.ReadStream(ctx, "s", client.ReadStreamOptions{From: client.Revision(3)}, 10))
	if len(past) != 0 {
		t.Errorf("stream from revision 3, past its end: %d events, want none", len(past))
	}
	rs, err := c.ReadStream(ctx, "missing", client.ReadStreamOptions{}, 10)
	if err == nil {
		defer rs.Close()
		_, err = rs.Recv()
	}
	var e *client.Error
	if !errors.As(err, &e) || e.Code() != client.ErrorCodeResourceNotFound {
		t.Errorf("missing stream: %v, want ResourceNotFound", err)
	}
}
