package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// A group is written by one statement, in one round trip, committed on its own:
//
//   - req: each request's stream head, read from the statement's snapshot;
//   - rec: the records of the requests whose head is their expected version, numbered;
//   - bump: the counter row moves on by their count; its row lock, held until commit,
//     serialises appends, so positions are contiguous and become visible in order;
//   - ins: the records go in at positions last-count+1 … last;
//   - then pg_notify, delivered at commit.
//
// The heads are read before the counter lock is taken, so an append committed meanwhile
// by another process can make them stale: then the insert hits unique (stream, version),
// the whole statement is refused, and commitGroup retries each request alone. A group
// holds at most one request per stream (gather sees to it), so heads need no bookkeeping
// within the group.

const writeTimeout = 30 * time.Second

// notifyChannel is the LISTEN/NOTIFY channel; its payload is the last position committed.
const notifyChannel = "ticket_events"

const writeGroupSQL = `WITH req AS (
    SELECT r.idx, r.stream, r.expected,
           coalesce((SELECT max(e.version) FROM events e WHERE e.stream = r.stream), -1) AS head
    FROM unnest($1::int[], $2::text[], $3::bigint[]) AS r(idx, stream, expected)
), rec AS (
    SELECT u.*, row_number() OVER (ORDER BY u.ord) AS n
    FROM unnest($4::int[], $5::bigint[], $6::uuid[], $7::text[], $8::text[], $9::text[], $10::timestamptz[],
                $11::text[], $12::text[], $13::text[], $14::text[])
         WITH ORDINALITY AS u(idx, version, id, type, data, metadata, occurred_at, actor, correlation_id, prev_hash, hash, ord)
    WHERE u.idx IN (SELECT idx FROM req WHERE head = expected)
), bump AS (
    UPDATE event_position SET last = last + (SELECT count(*) FROM rec)
    WHERE EXISTS (SELECT 1 FROM rec)
    RETURNING last
), ins AS (
    INSERT INTO events (position, stream, version, id, type, data, metadata, occurred_at, actor, correlation_id, prev_hash, hash)
    SELECT bump.last - (SELECT count(*) FROM rec) + rec.n, req.stream, rec.version, rec.id, rec.type, rec.data::json,
           rec.metadata::json, rec.occurred_at, rec.actor, NULLIF(rec.correlation_id, ''), rec.prev_hash, rec.hash
    FROM bump, rec JOIN req USING (idx)
)
SELECT (SELECT last FROM bump), ARRAY(SELECT head FROM req ORDER BY idx),
       (SELECT pg_notify('` + notifyChannel + `', last::text) FROM bump)`

// writeGroup writes the requests whose stream is at their expected version and answers
// every request; if the database refuses the statement it answers none and returns the
// error, and nothing was written.
func (s *Store) writeGroup(ctx context.Context, group []*appendRequest) error {
	ctx, cancel := context.WithTimeout(ctx, writeTimeout)
	defer cancel()
	args, err := argumentsOf(group)
	if err != nil {
		return err
	}
	var last *int64
	var heads []int64
	if err := s.pool.QueryRow(ctx, writeGroupSQL, args...).Scan(&last, &heads, nil); err != nil {
		return err
	}
	if len(heads) != len(group) {
		return fmt.Errorf("write returned %d stream heads for %d requests", len(heads), len(group))
	}
	if last != nil {
		s.wake.fire()
	}
	s.answer(group, heads, last)
	return nil
}

// answer gives each request its records with their positions, or its conflict. Positions
// follow the accepted requests in group order, ending at last.
func (s *Store) answer(group []*appendRequest, heads []int64, last *int64) {
	accepted, appends := 0, 0
	for i, r := range group {
		if heads[i] == r.expected {
			accepted += len(r.records)
			appends++
		}
	}
	var position uint64
	if last != nil {
		position = uint64(*last) - uint64(accepted)
		s.commits.Add(1)
		s.appends.Add(uint64(appends))
		s.events.Add(uint64(accepted))
	}
	for i, r := range group {
		if heads[i] != r.expected {
			r.done <- appendResult{err: &eventlog.VersionConflictError{Stream: r.stream, Expected: r.expected, Actual: heads[i]}}
			continue
		}
		out := make([]eventlog.Record, len(r.records))
		for j, rec := range r.records {
			position++
			rec.Position = position
			out[j] = rec
		}
		r.done <- appendResult{records: out}
	}
}

// argumentsOf lays the group out as the statement's arrays.
func argumentsOf(group []*appendRequest) ([]any, error) {
	n := 0
	idx, streams, expected := make([]int32, len(group)), make([]string, len(group)), make([]int64, len(group))
	for i, r := range group {
		idx[i], streams[i], expected[i] = int32(i), r.stream, r.expected
		n += len(r.records)
	}
	c, err := columnsOf(group, n)
	if err != nil {
		return nil, err
	}
	return []any{idx, streams, expected, c.idx, c.version, c.id, c.typ, c.data, c.meta, c.occurred,
		c.actor, c.correlation, c.prevHash, c.hash}, nil
}

// columns are the group's records, column by column, for unnest.
type columns struct {
	typ, data, meta, actor, correlation, prevHash, hash []string
	idx                                                 []int32
	id                                                  []uuid.UUID
	version                                             []int64
	occurred                                            []time.Time
}

func columnsOf(group []*appendRequest, n int) (*columns, error) {
	c := &columns{}
	for _, p := range []*[]string{&c.typ, &c.data, &c.meta, &c.actor, &c.correlation, &c.prevHash, &c.hash} {
		*p = make([]string, 0, n)
	}
	c.idx, c.id, c.version, c.occurred = make([]int32, 0, n), make([]uuid.UUID, 0, n), make([]int64, 0, n), make([]time.Time, 0, n)
	for i, r := range group {
		for _, rec := range r.records {
			meta, err := json.Marshal(rec.Meta)
			if err != nil {
				return nil, fmt.Errorf("metadata of %s v%d: %w", rec.Stream, rec.Version, err)
			}
			data := string(rec.Data)
			if len(rec.Data) == 0 {
				data = "null"
			}
			c.idx, c.version, c.id = append(c.idx, int32(i)), append(c.version, rec.Version), append(c.id, rec.ID)
			c.typ, c.data, c.meta = append(c.typ, rec.Type), append(c.data, data), append(c.meta, string(meta))
			c.occurred, c.actor = append(c.occurred, rec.Meta.OccurredAt), append(c.actor, rec.Meta.Actor)
			c.correlation = append(c.correlation, rec.Meta.CorrelationID)
			c.prevHash, c.hash = append(c.prevHash, rec.PrevHash), append(c.hash, rec.Hash)
		}
	}
	return c, nil
}

// refusedByServer tells that the server refused the statement, so nothing was written;
// any other error (the connection lost mid-commit) leaves the outcome unknown.
func refusedByServer(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr)
}

// describe turns a write error into the error of one request.
func describe(r *appendRequest, err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		switch pgErr.ConstraintName {
		case "events_stream_version_key":
			return &eventlog.VersionConflictError{Stream: r.stream, Expected: r.expected, Actual: -2}
		case "events_id_key":
			return fmt.Errorf("postgres event store: append %s: %w: %w", r.stream, domain.ErrConflict, errDuplicateID)
		}
	}
	return fmt.Errorf("postgres event store: append %s: %w", r.stream, err)
}
