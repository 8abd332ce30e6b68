package esdb

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	client "github.com/EventStore/EventStore-Client-Go/v4/esdb"

	"github.com/ticketengine/ticketengine/application/eventlog"
)

// Append implements eventlog.EventStore. The expected version becomes the expected
// revision (NoStream, or the revision of the stream's last event), so the server
// refuses a stale write atomically. A retry with the same event ids at the same
// expected version is acknowledged by the server without writing twice, and returns
// the records as first stored.
func (s *Store) Append(ctx context.Context, stream string, expected int64, records []eventlog.Record) ([]eventlog.Record, error) {
	if err := checkBatch(stream, expected, records); err != nil {
		return nil, err
	}
	events := make([]client.EventData, len(records))
	for i, r := range records {
		ev, err := toEventData(r)
		if err != nil {
			return nil, err
		}
		events[i] = ev
	}
	var revision client.ExpectedRevision = client.StreamRevision{Value: uint64(expected)}
	if expected == eventlog.NoStream {
		revision = client.NoStream{}
	}
	var res *client.WriteResult
	err := s.call(func(c *client.Client) (err error) {
		res, err = c.AppendToStream(ctx, s.serverStream(stream), client.AppendToStreamOptions{ExpectedRevision: revision}, events...)
		return err
	})
	if err != nil {
		return nil, appendError(stream, expected, err)
	}
	out := append([]eventlog.Record(nil), records...)
	// One event: the write result's commit position is the event's own. Several: the
	// result names one position for the batch, so read the events back for theirs.
	if len(out) == 1 && res.CommitPosition > 0 {
		out[0].Position = res.CommitPosition
		return out, nil
	}
	return s.readBack(ctx, stream, expected, out, res.PreparePosition)
}

// checkBatch refuses records that do not continue the stream at expected, and streams
// that ReadAll and Subscribe would never return.
func checkBatch(stream string, expected int64, records []eventlog.Record) error {
	if err := eventlog.CheckStream(stream); err != nil {
		return fmt.Errorf("esdb: append: %w", err)
	}
	if len(records) == 0 {
		return fmt.Errorf("esdb: append to %s: no records", stream)
	}
	if expected < eventlog.NoStream {
		return fmt.Errorf("esdb: append to %s: expected version %d", stream, expected)
	}
	for i, r := range records {
		if r.Stream != stream || r.Version != expected+1+int64(i) {
			return fmt.Errorf("esdb: record %d has stream %q version %d, want %q version %d", i, r.Stream, r.Version, stream, expected+1+int64(i))
		}
	}
	return nil
}

// readBack reads the records just appended (revisions expected+1…) for their positions,
// and checks that they are the records sent. A server that reports no positions on
// stream reads is asked $all instead, from the batch's first position (firstPrepare, from
// the write result): one write is contiguous in the log.
func (s *Store) readBack(ctx context.Context, stream string, expected int64, out []eventlog.Record, firstPrepare uint64) ([]eventlog.Record, error) {
	stored, err := s.readStream(ctx, stream, uint64(expected+1), uint64(len(out)))
	if err != nil {
		return nil, fmt.Errorf("esdb: read back %s after append: %w", stream, err)
	}
	if len(stored) != len(out) {
		return nil, fmt.Errorf("esdb: read back %s after append: %d events, want %d", stream, len(stored), len(out))
	}
	for i := range out {
		if stored[i].ID != out[i].ID {
			return nil, fmt.Errorf("esdb: read back %s v%d: event %s, want %s", stream, out[i].Version, stored[i].ID, out[i].ID)
		}
		if stored[i].Position == 0 {
			return s.readBackAll(ctx, stream, out, firstPrepare)
		}
		out[i].Position = stored[i].Position
	}
	return out, nil
}

// readBackAll finds the positions of a batch just written by reading $all from its first
// event.
func (s *Store) readBackAll(ctx context.Context, stream string, out []eventlog.Record, firstPrepare uint64) ([]eventlog.Record, error) {
	if firstPrepare == 0 {
		return nil, fmt.Errorf("esdb: append to %s: the server reported no positions", stream)
	}
	err := s.call(func(c *client.Client) error {
		rs, err := c.ReadAll(ctx, client.ReadAllOptions{From: client.Position{Commit: firstPrepare, Prepare: firstPrepare}}, uint64(len(out)))
		if err != nil {
			return err
		}
		defer rs.Close()
		for i := range out {
			ev, err := rs.Recv()
			if err != nil {
				return err
			}
			rec := ev.OriginalEvent()
			if rec.EventID != out[i].ID || rec.StreamID != s.serverStream(stream) {
				return fmt.Errorf("$all at %d holds event %s of %s, want %s", rec.Position.Commit, rec.EventID, rec.StreamID, out[i].ID)
			}
			out[i].Position = rec.Position.Commit
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("esdb: read back %s from $all after append: %w", stream, err)
	}
	return out, nil
}

// appendError maps the client's wrong-expected-version error (the server sends it in
// the response body; client v4 turns it into an *esdb.Error of that kind) to a
// VersionConflictError.
func appendError(stream string, expected int64, err error) error {
	var e *client.Error
	if errors.As(err, &e) && e.Code() == client.ErrorCodeWrongExpectedVersion {
		return &eventlog.VersionConflictError{Stream: stream, Expected: expected, Actual: actualVersion(e)}
	}
	return fmt.Errorf("esdb: append to %s: %w", stream, err)
}

// actualVersion reads the stream's current revision from the client's message
// ("… expecting '1' but got '3'"); -1 for no stream, -2 when the message says nothing.
func actualVersion(e *client.Error) int64 {
	if e.Err() == nil {
		return -2
	}
	_, got, ok := strings.Cut(e.Err().Error(), "but got '")
	if !ok {
		return -2
	}
	got, _, _ = strings.Cut(got, "'")
	if got == "no_stream" {
		return eventlog.NoStream
	}
	v, err := strconv.ParseInt(got, 10, 64)
	if err != nil {
		return -2
	}
	return v
}
