package bolt

import (
	"bytes"
	"context"
	"fmt"

	bbolt "go.etcd.io/bbolt"

	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// Group commit. Every Append becomes a request on s.reqs. One writer goroutine takes
// the first waiting request and then every other already queued (up to maxBatch),
// applies them in one read-write transaction, commits (bbolt fsyncs before Commit
// returns), and only then answers each request. There is no timer: while a commit is
// fsyncing, new requests queue up and form the next batch, so one writer pays one
// commit per append and 64 writers share one.
//
// Each request is checked on its own against the stream's version as the transaction
// sees it, which includes earlier requests of the same batch: a request that conflicts
// fails alone, and the others commit. Requests are validated and encoded by their
// callers before they are queued, so nothing in the transaction can fail for one
// request after it has started writing (bbolt has no savepoints).

// appendReq is one Append waiting for the writer.
type appendReq struct {
	ctx      context.Context
	stream   string
	prefix   []byte // streamPrefix(stream)
	expected int64
	records  []eventlog.Record
	encoded  [][]byte
	result   chan appendResult // buffered, written once
}

type appendResult struct {
	records []eventlog.Record
	err     error
}

// Append implements eventlog.EventStore. It returns once the records are committed
// and fsynced, or with the reason they were not; a request whose ctx ends before the
// writer reaches it is dropped, and once the writer has taken it the outcome is awaited,
// so a nil error always means durable, and an error means nothing was written, except a
// failed commit (an I/O error), whose outcome is unknown, as with any database.
func (s *Store) Append(ctx context.Context, stream string, expected int64, records []eventlog.Record) ([]eventlog.Record, error) {
	req, err := newAppendReq(ctx, stream, expected, records)
	if err != nil {
		return nil, err
	}
	if err := s.enqueue(ctx, req); err != nil {
		return nil, err
	}
	res := <-req.result
	return res.records, res.err
}

func newAppendReq(ctx context.Context, stream string, expected int64, records []eventlog.Record) (*appendReq, error) {
	if len(stream) == 0 || len(stream) > maxStreamName {
		return nil, fmt.Errorf("bolt event store: stream name of %d bytes (1 to %d allowed): %w", len(stream), maxStreamName, domain.ErrInvalid)
	}
	if err := eventlog.CheckStream(stream); err != nil {
		return nil, fmt.Errorf("bolt event store: append: %w", err)
	}
	if expected < eventlog.NoStream {
		return nil, fmt.Errorf("bolt event store: expected version %d: %w", expected, domain.ErrInvalid)
	}
	req := &appendReq{ctx: ctx, stream: stream, prefix: streamPrefix(stream), expected: expected,
		records: make([]eventlog.Record, len(records)), encoded: make([][]byte, len(records)),
		result: make(chan appendResult, 1)}
	for i, r := range records {
		if r.Stream != stream || r.Version != expected+1+int64(i) {
			return nil, fmt.Errorf("bolt event store: record %d has stream %q version %d, want %q version %d: %w",
				i, r.Stream, r.Version, stream, expected+1+int64(i), domain.ErrInvalid)
		}
		enc, err := encodeRecord(&r)
		if err != nil || len(enc) > maxRecordSize {
			return nil, fmt.Errorf("bolt event store: record %d: %d bytes, error %v: %w", i, len(enc), err, domain.ErrInvalid)
		}
		req.records[i], req.encoded[i] = r, enc
	}
	return req, nil
}

// enqueue hands req to the writer, unless the store is closed or ctx ends first.
func (s *Store) enqueue(ctx context.Context, req *appendReq) error {
	s.closing.RLock()
	defer s.closing.RUnlock()
	if s.closed {
		return ErrClosed
	}
	select {
	case s.reqs <- req:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// runWriter is the writer goroutine.
func (s *Store) runWriter() {
	defer close(s.done)
	for first := range s.reqs {
		if s.cfg.hold != nil {
			s.cfg.hold()
		}
		s.commit(s.takeBatch(first))
	}
}

// takeBatch returns first and every request already queued behind it, up to maxBatch.
func (s *Store) takeBatch(first *appendReq) []*appendReq {
	batch := []*appendReq{first}
	for len(batch) < s.cfg.maxBatch {
		select {
		case r, ok := <-s.reqs:
			if !ok {
				return batch
			}
			batch = append(batch, r)
		default:
			return batch
		}
	}
	return batch
}

// commit applies a batch in one transaction and answers every request in it. The
// last position is read in the transaction (the last key of events, a few page reads)
// rather than kept in memory: after a failed fsync bbolt may still show the failed
// transaction as committed, and a counter rolled back would then overwrite its records.
func (s *Store) commit(batch []*appendReq) {
	results := make([]appendResult, len(batch))
	var first, last uint64
	err := s.db.Update(func(tx *bbolt.Tx) error {
		events, streams := tx.Bucket(bucketEvents), tx.Bucket(bucketStreams)
		events.FillPercent = 1.0 // keys only ever grow: pack pages full
		if k, _ := events.Cursor().Last(); k != nil {
			first = be.Uint64(k)
		}
		last = first
		for i, req := range batch {
			var err error
			if results[i], last, err = apply(events, streams, req, last); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		// The outcome is unknown (the meta page may have reached the disk), as with any
		// database whose fsync fails; the next transaction starts from what bbolt shows.
		s.log.Error("bolt event store: commit failed", "appends", len(batch), "err", err)
		for i := range results {
			results[i] = appendResult{err: fmt.Errorf("bolt event store: commit: %w", err)}
		}
	} else {
		s.count(results, last-first)
	}
	if last != first {
		s.wake()
	}
	for i, req := range batch {
		req.result <- results[i]
	}
}

func (s *Store) count(results []appendResult, events uint64) {
	s.commits.Add(1)
	s.events.Add(events)
	for _, r := range results {
		if r.err == nil {
			s.appends.Add(1)
		}
	}
}

// apply writes one request if its expected version holds. A refused request is a
// result, not an error; an error (a failed Put) aborts the whole transaction.
func apply(events, streams *bbolt.Bucket, req *appendReq, last uint64) (appendResult, uint64, error) {
	if err := req.ctx.Err(); err != nil {
		return appendResult{err: err}, last, nil
	}
	if current := streamVersion(streams, req.prefix); current != req.expected {
		return appendResult{err: &eventlog.VersionConflictError{Stream: req.stream, Expected: req.expected, Actual: current}}, last, nil
	}
	out := req.records
	for i := range out {
		last++
		out[i].Position = last
		pos := posKey(last)
		if err := events.Put(pos, req.encoded[i]); err != nil {
			return appendResult{}, last, err
		}
		if err := streams.Put(indexKey(req.prefix, out[i].Version), pos); err != nil {
			return appendResult{}, last, err
		}
	}
	return appendResult{records: out}, last, nil
}

// streamVersion returns the stream's last version (NoStream if it has none): the last
// key under its prefix, found by seeking just past the prefix's highest possible key.
func streamVersion(streams *bbolt.Bucket, prefix []byte) int64 {
	c := streams.Cursor()
	k, _ := c.Seek(indexKey(prefix, -1)) // -1 is 0xFFFF…: above every version
	if k == nil {
		k, _ = c.Last()
	} else {
		k, _ = c.Prev()
	}
	if len(k) != len(prefix)+8 || !bytes.HasPrefix(k, prefix) {
		return eventlog.NoStream
	}
	return int64(be.Uint64(k[len(prefix):]))
}
