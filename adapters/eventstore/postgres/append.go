package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/ticketengine/ticketengine/application"
)

// Appends go through one appender goroutine that commits them in groups: while one group's
// transaction commits, the Append calls that arrive queue up, and the next transaction takes
// them all. Each request is checked against its own expected version, so a conflicting one
// fails alone and the others of its group commit. See write.go for the transaction.

// appendRequest is one Append call waiting for the appender.
type appendRequest struct {
	ctx      context.Context
	stream   string
	expected int64
	records  []application.Record
	done     chan appendResult // buffered: the appender never blocks on a caller that left
}

type appendResult struct {
	records []application.Record
	err     error
}

// Group limits: a group is cut at whichever comes first.
const (
	maxGroupRequests = 512
	maxGroupEvents   = 4096
)

// Append implements application.EventStore.
func (s *Store) Append(ctx context.Context, stream string, expected int64, records []application.Record) ([]application.Record, error) {
	if err := validate(stream, expected, records); err != nil {
		return nil, err
	}
	req := &appendRequest{ctx: ctx, stream: stream, expected: expected, records: records, done: make(chan appendResult, 1)}
	select {
	case s.requests <- req:
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-s.ctx.Done():
		return nil, errClosed
	}
	select {
	case res := <-req.done:
		return res.records, res.err
	case <-ctx.Done():
		// The append may still commit; the caller learns of it by reading the stream.
		return nil, ctx.Err()
	}
}

// validate refuses, before any I/O, what the database would reject mid-group: a bad
// version sequence, JSON that is not JSON, text PostgreSQL cannot store.
func validate(stream string, expected int64, records []application.Record) error {
	if expected < application.NoStream {
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

// appender runs until the store closes, committing queued appends group by group.
func (s *Store) appender() {
	defer s.wg.Done()
	for {
		select {
		case <-s.ctx.Done():
			s.failQueued()
			return
		case first := <-s.requests:
			s.commitGroup(s.gather(first))
		}
	}
}

// gather takes the first request and every one already queued, up to the group limits.
// It never waits for more: a lone writer pays no latency for grouping.
func (s *Store) gather(first *appendRequest) []*appendRequest {
	group, events := []*appendRequest{first}, len(first.records)
	for len(group) < maxGroupRequests && events < maxGroupEvents {
		select {
		case r := <-s.requests:
			group = append(group, r)
			events += len(r.records)
		default:
			return group
		}
	}
	return group
}

// failQueued answers the requests still queued when the store closes.
func (s *Store) failQueued() {
	for {
		select {
		case r := <-s.requests:
			r.done <- appendResult{err: errClosed}
		default:
			return
		}
	}
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
// written, and each request is retried alone so that only the guilty one fails.
func (s *Store) commitGroup(group []*appendRequest) {
	group = live(group)
	if len(group) == 0 {
		return
	}
	err := s.writeGroup(s.ctx, group)
	if err == nil {
		return
	}
	if !refusedByServer(err) || len(group) == 1 {
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
