// Package memstore is an event store held in memory: for tests and for trying the engine
// out. It keeps the full contract of eventlog.EventStore except durability.
package memstore

import (
	"context"
	"fmt"
	"sync"

	"github.com/ticketengine/ticketengine/application/eventlog"
)

// Store is an in-memory event store.
type Store struct {
	mu      sync.RWMutex
	all     []eventlog.Record
	streams map[string][]int // indexes into all
	changed chan struct{}    // closed and replaced on every append, to wake subscribers
	closed  bool
}

var _ eventlog.EventStore = (*Store)(nil)

// New returns an empty store.
func New() *Store {
	return &Store{streams: map[string][]int{}, changed: make(chan struct{})}
}

// Append implements eventlog.EventStore.
func (s *Store) Append(ctx context.Context, stream string, expected int64, records []eventlog.Record) ([]eventlog.Record, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := eventlog.CheckStream(stream); err != nil {
		return nil, fmt.Errorf("memory store: append: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, fmt.Errorf("memory store: closed")
	}
	current := int64(len(s.streams[stream])) - 1
	if current != expected {
		return nil, &eventlog.VersionConflictError{Stream: stream, Expected: expected, Actual: current}
	}
	out := make([]eventlog.Record, len(records))
	for i, r := range records {
		if r.Stream != stream || r.Version != expected+1+int64(i) {
			return nil, fmt.Errorf("memory store: record %d has stream %q version %d, want %q version %d", i, r.Stream, r.Version, stream, expected+1+int64(i))
		}
		r.Position = uint64(len(s.all)) + 1
		s.streams[stream] = append(s.streams[stream], len(s.all))
		s.all = append(s.all, r)
		out[i] = r
	}
	close(s.changed)
	s.changed = make(chan struct{})
	return out, nil
}

// ReadStream implements eventlog.EventStore.
func (s *Store) ReadStream(ctx context.Context, stream string) ([]eventlog.Record, error) {
	return s.ReadStreamFrom(ctx, stream, 0)
}

// ReadStreamFrom implements eventlog.EventStore.
func (s *Store) ReadStreamFrom(ctx context.Context, stream string, from int64) ([]eventlog.Record, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	idx := s.streams[stream]
	if from >= int64(len(idx)) {
		return nil, nil
	}
	idx = idx[max(from, 0):]
	out := make([]eventlog.Record, len(idx))
	for i, j := range idx {
		out[i] = s.all[j]
	}
	return out, nil
}

// ReadAll implements eventlog.EventStore.
func (s *Store) ReadAll(ctx context.Context, after uint64, limit int) ([]eventlog.Record, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if after >= uint64(len(s.all)) || limit <= 0 {
		return nil, nil
	}
	end := min(uint64(len(s.all)), after+uint64(limit))
	return append([]eventlog.Record(nil), s.all[after:end]...), nil
}

// Subscribe implements eventlog.EventStore.
func (s *Store) Subscribe(ctx context.Context, after uint64, handle func(context.Context, eventlog.Record) error) error {
	for {
		s.mu.RLock()
		wake := s.changed
		s.mu.RUnlock()
		batch, err := s.ReadAll(ctx, after, 1024)
		if err != nil {
			return err
		}
		for _, r := range batch {
			if err := handle(ctx, r); err != nil {
				return err
			}
			after = r.Position
		}
		if len(batch) > 0 {
			continue
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-wake:
		}
	}
}

// Close implements eventlog.EventStore.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	return nil
}
