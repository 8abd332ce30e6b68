package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/domain"
)

// A group is written in two round trips:
//
//  1. read the current version of every stream of the group, and decide each request;
//  2. one pipelined implicit transaction (one Sync) that bumps the counter row, inserts
//     every accepted record with its position, and notifies listeners; it commits at Sync,
//     or, on any error, rolls back whole.
//
// Step 1 runs outside the transaction: a version read stale by another process's append
// lets the insert hit unique (stream, version), which refuses the group, and commitGroup
// then retries each request alone. Step 2 holds the counter row's lock from the UPDATE to
// the commit, so positions are contiguous and become visible in the order they are given.

const writeTimeout = 30 * time.Second

// notifyChannel is the LISTEN/NOTIFY channel; its payload is the last position committed.
const notifyChannel = "ticket_events"

const (
	bumpCounter  = `UPDATE event_position SET last = last + $1 RETURNING last`
	insertEvents = `INSERT INTO events (position, stream, version, id, type, data, metadata, occurred_at, actor, correlation_id, prev_hash, hash)
SELECT (SELECT last FROM event_position) - $1 + u.ord, u.stream, u.version, u.id::uuid, u.type, u.data::json, u.metadata::json,
       u.occurred_at, u.actor, NULLIF(u.correlation_id, ''), u.prev_hash, u.hash
FROM unnest($2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::timestamptz[], $9::text[], $10::text[], $11::text[], $12::text[])
     WITH ORDINALITY AS u(stream, version, id, type, data, metadata, occurred_at, actor, correlation_id, prev_hash, hash, ord)`
	notifyLast  = `SELECT pg_notify('` + notifyChannel + `', last::text) FROM event_position`
	streamHeads = `SELECT stream, max(version) FROM events WHERE stream = ANY($1) GROUP BY stream`
)

// writeGroup writes the requests that pass their version check and answers every request;
// if the write fails it answers none and returns the error, and nothing was written.
func (s *Store) writeGroup(ctx context.Context, group []*appendRequest) error {
	ctx, cancel := context.WithTimeout(ctx, writeTimeout)
	defer cancel()
	heads, err := s.heads(ctx, group)
	if err != nil {
		return err
	}
	accepted, refused := decide(group, heads)
	n := 0
	for _, r := range accepted {
		n += len(r.records)
	}
	var last int64
	if n > 0 {
		if last, err = s.insert(ctx, accepted, n); err != nil {
			return err
		}
		s.wake.fire()
	}
	position := uint64(last - int64(n))
	for _, r := range accepted {
		out := make([]application.Record, len(r.records))
		for i, rec := range r.records {
			position++
			rec.Position = position
			out[i] = rec
		}
		r.done <- appendResult{records: out}
	}
	for r, err := range refused {
		r.done <- appendResult{err: err}
	}
	return nil
}

// heads returns the current version of each stream of the group that exists.
func (s *Store) heads(ctx context.Context, group []*appendRequest) (map[string]int64, error) {
	streams := make([]string, 0, len(group))
	seen := make(map[string]bool, len(group))
	for _, r := range group {
		if !seen[r.stream] {
			seen[r.stream] = true
			streams = append(streams, r.stream)
		}
	}
	rows, err := s.pool.Query(ctx, streamHeads, streams)
	if err != nil {
		return nil, err
	}
	heads := make(map[string]int64, len(streams))
	var stream string
	var version int64
	_, err = pgx.ForEachRow(rows, []any{&stream, &version}, func() error {
		heads[stream] = version
		return nil
	})
	return heads, err
}

// decide checks each request, in arrival order, against its stream's version, counting
// the requests accepted before it in the same group.
func decide(group []*appendRequest, heads map[string]int64) ([]*appendRequest, map[*appendRequest]error) {
	var accepted []*appendRequest
	refused := map[*appendRequest]error{}
	for _, r := range group {
		current, ok := heads[r.stream]
		if !ok {
			current = application.NoStream
		}
		if current != r.expected {
			refused[r] = &application.VersionConflictError{Stream: r.stream, Expected: r.expected, Actual: current}
			continue
		}
		heads[r.stream] = r.expected + int64(len(r.records))
		accepted = append(accepted, r)
	}
	return accepted, refused
}

// insert runs step 2 and returns the last position it assigned.
func (s *Store) insert(ctx context.Context, accepted []*appendRequest, n int) (int64, error) {
	cols, err := columnsOf(accepted, n)
	if err != nil {
		return 0, err
	}
	batch := &pgx.Batch{}
	batch.Queue(bumpCounter, n)
	batch.Queue(insertEvents, n, cols.stream, cols.version, cols.id, cols.typ, cols.data, cols.meta,
		cols.occurred, cols.actor, cols.correlation, cols.prevHash, cols.hash)
	batch.Queue(notifyLast)
	results := s.pool.SendBatch(ctx, batch)
	var last int64
	errBump := results.QueryRow().Scan(&last)
	_, errInsert := results.Exec()
	_, errNotify := results.Exec()
	errClose := results.Close()
	if err := errors.Join(errBump, errInsert, errNotify, errClose); err != nil {
		return 0, err
	}
	return last, nil
}

// columns are the group's records, column by column, for unnest.
type columns struct {
	stream, id, typ, data, meta, actor, correlation, prevHash, hash []string
	version                                                         []int64
	occurred                                                        []time.Time
}

func columnsOf(accepted []*appendRequest, n int) (*columns, error) {
	c := &columns{}
	for _, p := range []*[]string{&c.stream, &c.id, &c.typ, &c.data, &c.meta, &c.actor, &c.correlation, &c.prevHash, &c.hash} {
		*p = make([]string, 0, n)
	}
	c.version, c.occurred = make([]int64, 0, n), make([]time.Time, 0, n)
	for _, r := range accepted {
		for _, rec := range r.records {
			meta, err := json.Marshal(rec.Meta)
			if err != nil {
				return nil, fmt.Errorf("metadata of %s v%d: %w", rec.Stream, rec.Version, err)
			}
			data := string(rec.Data)
			if len(rec.Data) == 0 {
				data = "null"
			}
			c.stream, c.version, c.id = append(c.stream, rec.Stream), append(c.version, rec.Version), append(c.id, rec.ID.String())
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
			return &application.VersionConflictError{Stream: r.stream, Expected: r.expected, Actual: -2}
		case "events_id_key":
			return fmt.Errorf("postgres event store: append %s: %w: %w", r.stream, domain.ErrConflict, errDuplicateID)
		}
	}
	return fmt.Errorf("postgres event store: append %s: %w", r.stream, err)
}
