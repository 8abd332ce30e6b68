package esdb

import (
	"context"
	"errors"
	"fmt"
	"io"

	client "github.com/EventStore/EventStore-Client-Go/v4/esdb"

	"github.com/ticketengine/ticketengine/application/eventlog"
)

// pageSize is how many events one read call asks for.
const pageSize = 512

// ReadStream implements eventlog.EventStore. A stream that does not exist reads as
// empty.
func (s *Store) ReadStream(ctx context.Context, stream string) ([]eventlog.Record, error) {
	return s.ReadStreamFrom(ctx, stream, 0)
}

// ReadStreamFrom implements eventlog.EventStore: a forwards read from revision `from`
// (a stream's revisions are the records' versions), in pages of pageSize. A revision
// past the end reads as empty, as does a stream that does not exist.
func (s *Store) ReadStreamFrom(ctx context.Context, stream string, from int64) ([]eventlog.Record, error) {
	var out []eventlog.Record
	start := uint64(max(from, 0))
	for {
		page, err := s.readStream(ctx, stream, start+uint64(len(out)), pageSize)
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		if len(page) < pageSize {
			return out, nil
		}
	}
}

// readStream reads up to count events of a stream forwards from a revision.
func (s *Store) readStream(ctx context.Context, stream string, from, count uint64) ([]eventlog.Record, error) {
	var out []eventlog.Record
	err := s.call(func(c *client.Client) error {
		out = nil // a retried call starts over
		rs, err := c.ReadStream(ctx, s.serverStream(stream), client.ReadStreamOptions{From: client.Revision(from)}, count)
		if err != nil {
			return err
		}
		defer rs.Close()
		for {
			ev, err := rs.Recv()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return err
			}
			r, err := fromRecorded(stream, ev.OriginalEvent())
			if err != nil {
				return decodeError{err}
			}
			out = append(out, r)
		}
	})
	var e *client.Error
	var derr decodeError
	switch {
	case errors.As(err, &e) && e.Code() == client.ErrorCodeResourceNotFound:
		return nil, nil
	case errors.As(err, &derr):
		return nil, derr.err
	case err != nil:
		return nil, fmt.Errorf("esdb: read %s: %w", stream, err)
	}
	return out, nil
}

// ReadAll implements eventlog.EventStore. It reads $all forwards from the position
// (the server's start is inclusive, so the event at `after` itself is skipped) and keeps
// only the engine's streams, reading on until it has `limit` records or reaches the end.
// The client v4 has no server-side filter for reads of $all, only for subscriptions.
func (s *Store) ReadAll(ctx context.Context, after uint64, limit int) ([]eventlog.Record, error) {
	var out []eventlog.Record
	from := after
	for limit > 0 && len(out) < limit {
		page, last, n, err := s.readAllPage(ctx, from, after, limit-len(out))
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		if n < pageSize {
			break
		}
		from, after = last, last
	}
	return out, nil
}

// readAllPage reads one page of $all from position `from` and returns the engine's
// records above `after` (at most max of them), the position of the last event looked
// at, and how many events the page held.
func (s *Store) readAllPage(ctx context.Context, from, after uint64, max int) ([]eventlog.Record, uint64, int, error) {
	var start client.AllPosition = client.Start{}
	if from > 0 {
		start = client.Position{Commit: from, Prepare: from}
	}
	var out []eventlog.Record
	last, n := from, 0
	err := s.call(func(c *client.Client) error {
		out, last, n = nil, from, 0 // a retried call starts over
		rs, err := c.ReadAll(ctx, client.ReadAllOptions{From: start}, pageSize)
		if err != nil {
			return err
		}
		defer rs.Close()
		for len(out) < max {
			ev, err := rs.Recv()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return err
			}
			n++
			rec := ev.OriginalEvent()
			last = rec.Position.Commit
			stream, ok := s.appStream(rec.StreamID)
			if rec.Position.Commit <= after || !ok {
				continue
			}
			r, err := fromRecorded(stream, rec)
			if err != nil {
				return decodeError{err}
			}
			out = append(out, r)
		}
		n = pageSize // stopped at max: there may be more
		return nil
	})
	var derr decodeError
	switch {
	case errors.As(err, &derr):
		return nil, 0, 0, derr.err
	case err != nil:
		return nil, 0, 0, fmt.Errorf("esdb: read $all: %w", err)
	}
	return out, last, n, nil
}
