package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"unicode/utf8"

	"github.com/ticketengine/ticketengine/application/eventlog"
)

// Appends go through one appender goroutine that commits them in groups: while one group's
// transaction commits, the Append calls that arrive queue up, and the next transaction takes
// them all. Each request is checked against its own expected version, so a conflicting one
// fails alone and the others of its group commit. See write.go for the transaction.
//
// One appender, not several: commits are serialised by the counter row's lock anyway, and
// a second group sent early only waits for that lock (measured: slower at 8 and 64
// writers, see docs/PERFORMANCE.md), while its requests would have joined a larger group.

// appendRequest is one Append call waiting for the appender.
type appendRequest struct {
	ctx      context.Context
	stream   string
	expected int64
	records  []eventlog.Record
	done     chan appendResult // buffered: the appender never blocks on a caller that left
}

type appendResult struct {
	records []eventlog.Record
	err     error
}

// Group limits: a group is cut at whichever comes first.
const (
	maxGroupRequests = 512
	maxGroupEvents   = 4096
)

// Append implements eventlog.EventStore.
func (s *Store) Append(ctx context.Context, stream string, expected int64, records []eventlog.Record) ([]eventlog.Record, error) {
	if err := validate(stream, expected, records); err != nil {
		return nil, err
	}
	req := &appendRequest{ctx: ctx, stream: stream, expected: expected, records: records, done: make(chan appendResult, 1)}
	if err := s.enqueue(ctx, req); err != nil {
		return nil, err
	}
	select {
	case res := <-req.done:
		return res.records, res.err
	case <-ctx.Done():
		// The append may still commit; the caller learns of it by reading the stream.
		return nil, ctx.Err()
	}
}

// enqueue hands a request to the appender, unless the store is closed. The read lock
// keeps Close from closing the queue while a request is being sent.
func (s *Store) enqueue(ctx context.Context, req *appendRequest) error {
	s.queueMu.RLock()
	defer s.queueMu.RUnlock()
	if s.queueClosed {
		return errClosed
	}
	select {
	case s.requests <- req:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// validate refuses, before any I/O, what the database would reject mid-group: a bad
// version sequence, JSON that is not JSON, text PostgreSQL cannot store; and a stream
// of no registered kind.
func validate(stream string, expected int64, records []eventlog.Record) error {
	if err := eventlog.CheckStream(stream); err != nil {
		return fmt.Errorf("postgres event store: append: %w", err)
	}
	if expected < eventlog.NoStream {
		return fmt.Errorf("postgres event store: append %s: expected version %d is not valid", stream, expected)
	}
	for i, r := range records {
		switch {
		case r.Stream != stream || r.Version != expected+1+int64(i):
			return fmt.Errorf("postgres event store: record %d has stream %q version %d, want %q version %d", i, r.Stream, r.Version, stream, expected+1+int64(i))
		case len(r.Data) > 0 && !json.Valid(r.Data):
			return fmt.Errorf("postgres event store: record %d (%s v%d): data is not valid JSON", i, stream, r.Version)
		}
		for _, s := range []string{r.Stream, r.Type, string(r.Data), r.PrevHash, r.Hash, r.Meta.Actor, r.Meta.CorrelationID,
			r.Meta.CausationID, r.Meta.IdempotencyKey, r.Meta.RequestHash, r.Meta.Rule} {
			if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
				return fmt.Errorf("postgres event store: record %d (%s v%d): text is not valid UTF-8 or holds NUL", i, stream, r.Version)
			}
		}
	}
	return nil
}

// appender commits queued appends group by group until Close closes the queue; what was
// queued before still commits.
func (s *Store) appender() {
	defer s.appenders.Done()
	var held []*appendRequest
	for {
		if len(held) == 0 {
			first, ok := <-s.requests
			if !ok {
				return
			}
			held = []*appendRequest{first}
		}
		var group []*appendRequest
		group, held = s.gather(held)
		s.commitGroup(group)
		// Let the writers just answered queue their next append before the next gather,
		// so that they join the next group instead of waiting for the one after.
		runtime.Gosched()
	}
}

// gather forms a group of the held requests and those queued, up to the group limits. It
// never waits for more: a lone writer pays no latency for grouping. A group holds at most
// one request per stream, since the write checks each request against the stream as
// stored; a second one is held, in order, for the next group.
func (s *Store) gather(held []*appendRequest) (group, next []*appendRequest) {
	streams := make(map[string]bool, len(held))
	events, taken := 0, 0
	add := func(r *appendRequest) {
		taken++
		if streams[r.stream] || len(group) >= maxGroupRequests || events >= maxGroupEvents {
			next = append(next, r)
			return
		}
		streams[r.stream] = true
		group = append(group, r)
		events += len(r.records)
	}
	for _, r := range held {
		add(r)
	}
	for taken < maxGroupRequests && events < maxGroupEvents {
		select {
		case r, ok := <-s.requests:
			if !ok {
				return group, next
			}
			add(r)
		default:
			return group, next
		}
	}
	return group, next
}

// live drops the requests whose caller has gone, answering them.
func live(group []*appendRequest) []*appendRequest {
	out := group[:0]
	for _, r := range group {
		if err := r.ctx.Err(); err != nil {
			r.done <- appendResult{err: err}
			continue
		}
		out = append(out, r)
	}
	return out
}

// commitGroup writes a group in one transaction. If the database refuses it (another
// process appended to one of the streams meanwhile, a duplicate event id), nothing was
// written, and each request is retried alone, with fresh stream heads, so that only the
// guilty one fails, and a stale head turns into an exact version conflict.
func (s *Store) commitGroup(group []*appendRequest) {
	group = live(group)
	if len(group) == 0 {
		return
	}
	err := s.writeGroup(s.ctx, group)
	if err == nil {
		return
	}
	if !refusedByServer(err) {
		for _, r := range group {
			r.done <- appendResult{err: describe(r, err)}
		}
		return
	}
	for _, r := range group {
		if err := s.writeGroup(s.ctx, []*appendRequest{r}); err != nil {
			r.done <- appendResult{err: describe(r, err)}
		}
	}
}

// errDuplicateID is returned when an appended event's id is already stored.
var errDuplicateID = errors.New("duplicate event id")
