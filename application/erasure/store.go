package erasure

import (
	"context"

	"github.com/ticketengine/ticketengine/application/eventlog"
)

// OpeningStore is an event store whose reads answer opened records (Opener): the command
// folds, projections, policies, queries and webhooks read through it and see plain text,
// while the store below keeps, and its hash chain covers, only the sealed text. Append
// passes records through as they are and answers them opened. Verify and export use the
// store below (Raw).
type OpeningStore struct {
	eventlog.EventStore
	Open Opener
}

// NewOpeningStore returns store opened with keys.
func NewOpeningStore(store eventlog.EventStore, keys KeyStore) *OpeningStore {
	return &OpeningStore{EventStore: store, Open: Opener{Keys: keys}}
}

// Raw returns the store below: records as stored, sealed.
func (s *OpeningStore) Raw() eventlog.EventStore { return s.EventStore }

// OpenRecord opens one record read from Raw (the consumer of a relay that carries raw
// records opens them with it).
func (s *OpeningStore) OpenRecord(ctx context.Context, r eventlog.Record) (eventlog.Record, error) {
	return s.Open.Record(ctx, r)
}

// Append implements eventlog.EventStore.
func (s *OpeningStore) Append(ctx context.Context, stream string, expected int64, recs []eventlog.Record) ([]eventlog.Record, error) {
	out, err := s.EventStore.Append(ctx, stream, expected, recs)
	if err != nil {
		return out, err
	}
	return s.Open.Records(ctx, out)
}

// ReadStream implements eventlog.EventStore.
func (s *OpeningStore) ReadStream(ctx context.Context, stream string) ([]eventlog.Record, error) {
	return s.opened(ctx)(s.EventStore.ReadStream(ctx, stream))
}

// ReadStreamFrom implements eventlog.EventStore.
func (s *OpeningStore) ReadStreamFrom(ctx context.Context, stream string, from int64) ([]eventlog.Record, error) {
	return s.opened(ctx)(s.EventStore.ReadStreamFrom(ctx, stream, from))
}

// ReadAll implements eventlog.EventStore.
func (s *OpeningStore) ReadAll(ctx context.Context, after uint64, limit int) ([]eventlog.Record, error) {
	return s.opened(ctx)(s.EventStore.ReadAll(ctx, after, limit))
}

// Subscribe implements eventlog.EventStore.
func (s *OpeningStore) Subscribe(ctx context.Context, after uint64, handle func(context.Context, eventlog.Record) error) error {
	return s.EventStore.Subscribe(ctx, after, func(ctx context.Context, r eventlog.Record) error {
		r, err := s.Open.Record(ctx, r)
		if err != nil {
			return err
		}
		return handle(ctx, r)
	})
}

func (s *OpeningStore) opened(ctx context.Context) func([]eventlog.Record, error) ([]eventlog.Record, error) {
	return func(recs []eventlog.Record, err error) ([]eventlog.Record, error) {
		if err != nil {
			return recs, err
		}
		return s.Open.Records(ctx, recs)
	}
}
