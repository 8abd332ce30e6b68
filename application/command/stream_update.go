package command

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// outcome is what a command did to its stream.
type outcome[A any] struct {
	Agg      A
	Version  int64
	Appended []eventlog.Record
	Replayed bool // an idempotent repeat: nothing was appended, Agg is as the first request left it
}

// update is the life of every command on one stream: read the stream, replay an
// idempotent repeat, check If-Match, fold, decide, append at the version read. When a
// concurrent append wins and the caller gave no expected version, it decides once more
// on the fresh state; a second loss is ErrConflict. With If-Match, a loss is ErrPrecondition.
//
// With a stream cache (Config.StreamCacheSize), "read the stream" is: take the folded state
// the cache holds, read only the records after its version, fold those on (see StreamCache
// for why that is always the state the whole stream folds to).
func update[A any](ctx context.Context, s streams, stream string, meta CommandMeta,
	f folder[A], decide func(A, time.Time) ([]domain.Event, error)) (outcome[A], error) {
	for attempt := 0; ; attempt++ {
		// The retry after a lost race reads the whole stream: it trusts no cached state.
		v, err := readView(ctx, s, stream, f, attempt == 0)
		if err != nil {
			return outcome[A]{}, err
		}
		if n, found, err := findIdempotent(v.keys, meta); err != nil || found {
			if err != nil {
				return outcome[A]{}, err
			}
			return replay(ctx, s, stream, f, v, n)
		}
		version := v.version
		if meta.ExpectedVersion != nil && *meta.ExpectedVersion != version {
			return outcome[A]{}, fmt.Errorf("%w: If-Match %d, current version %d", application.ErrPrecondition, *meta.ExpectedVersion, version)
		}
		if err := v.catchUp(s, stream, f); err != nil {
			return outcome[A]{}, err
		}
		now := eventlog.Truncate(s.clock.Now())
		events, err := decide(v.agg, now)
		if err != nil || len(events) == 0 {
			return outcome[A]{Agg: v.agg, Version: version}, err
		}
		if s.keys != nil && f.keys != nil {
			record, own := f.keys(v.agg, events)
			if events, err = sealEvents(ctx, s.keys, stream, record, own, events); err != nil {
				return outcome[A]{}, err
			}
		}
		fresh, err := encodeEvents(stream, version, v.hash, events, meta, now)
		if err != nil {
			return outcome[A]{}, err
		}
		appended, err := s.store.Append(ctx, stream, version, fresh)
		if errors.Is(err, eventlog.ErrWrongExpectedVersion) {
			s.cache.drop(stream)
			if meta.ExpectedVersion != nil {
				return outcome[A]{}, fmt.Errorf("%w: a concurrent change moved %s past version %d", application.ErrPrecondition, stream, version)
			}
			if attempt == 0 {
				continue
			}
			return outcome[A]{}, fmt.Errorf("%w on %s, twice", application.ErrConflict, stream)
		}
		if err != nil {
			return outcome[A]{}, fmt.Errorf("append %s: %w", stream, err)
		}
		// decide does not change the aggregate, so the state after the append is the
		// folded one with only the appended records applied on: no second full fold.
		if err := f.applyAll(v.agg, appended); err != nil {
			return outcome[A]{}, err
		}
		v.advance(appended)
		s.cache.put(v.entry(stream, f))
		return outcome[A]{Agg: v.agg, Version: v.version, Appended: appended}, nil
	}
}

// streamView is a stream as a command read it: the aggregate folded up to some version
// (from the cache, or fresh), the records read after that (tail, not folded in yet), and
// the stream's version, last hash and idempotency keys, which already count the tail.
type streamView[A any] struct {
	agg     A
	tail    []eventlog.Record
	whole   bool // tail is the whole stream (no cached state was used)
	version int64
	hash    string
	keys    []idemKey
}

// readView reads what the command needs of the stream: with useCache, only the records
// after the cached version.
func readView[A any](ctx context.Context, s streams, stream string, f folder[A], useCache bool) (streamView[A], error) {
	v := streamView[A]{version: -1}
	if useCache {
		if e, ok := s.cache.get(stream); ok {
			if agg, ok := f.restore(e.state); ok {
				v = streamView[A]{agg: agg, version: e.version, hash: e.hash, keys: e.keys}
			}
		}
	}
	recs, err := s.store.ReadStreamFrom(ctx, stream, v.version+1)
	if err != nil {
		return v, fmt.Errorf("read %s: %w", stream, err)
	}
	if v.version < 0 {
		v.agg, v.whole = f.fresh(), true
	} else if len(recs) > 0 && (recs[0].Version != v.version+1 || recs[0].PrevHash != v.hash) {
		// Not the continuation of the stream the cache saw (a store that lost or rewrote
		// history): trust nothing cached about it.
		s.cache.drop(stream)
		return readView(ctx, s, stream, f, false)
	}
	v.tail = recs
	v.advance(recs)
	return v, nil
}

// advance counts records that follow the view's version (read or appended).
func (v *streamView[A]) advance(recs []eventlog.Record) {
	if len(recs) == 0 {
		return
	}
	v.keys = appendKeys(v.keys, v.version+1, recs)
	v.version += int64(len(recs))
	v.hash = recs[len(recs)-1].Hash
}

// catchUp folds the tail into the aggregate and caches the state read.
func (v *streamView[A]) catchUp(s streams, stream string, f folder[A]) error {
	if err := f.applyAll(v.agg, v.tail); err != nil {
		return err
	}
	if len(v.tail) > 0 {
		s.cache.put(v.entry(stream, f))
	}
	v.tail = nil
	return nil
}

// entry is the cache entry of a view that has caught up.
func (v *streamView[A]) entry(stream string, f folder[A]) cachedStream {
	return cachedStream{stream: stream, state: f.state(v.agg), version: v.version, hash: v.hash, keys: v.keys}
}

// replay answers an idempotent repeat with the state as the first request left it: the
// stream's first n records folded. When those are all the stream has, that is the state
// now; else the stream is read whole (a stored record never changes, so its first n
// records are the ones the keys were counted from).
func replay[A any](ctx context.Context, s streams, stream string, f folder[A], v streamView[A], n int64) (outcome[A], error) {
	if n == v.version+1 {
		if err := v.catchUp(s, stream, f); err != nil {
			return outcome[A]{}, err
		}
		return outcome[A]{Agg: v.agg, Version: v.version, Replayed: true}, nil
	}
	recs := v.tail
	if !v.whole {
		var err error
		if recs, err = s.store.ReadStream(ctx, stream); err != nil {
			return outcome[A]{}, fmt.Errorf("read %s: %w", stream, err)
		}
		if int64(len(recs)) < n {
			return outcome[A]{}, fmt.Errorf("read %s: %d records, but the repeated request's ended at %d", stream, len(recs), n)
		}
	}
	agg, err := f.fold(recs[:n])
	return outcome[A]{Agg: agg, Version: n - 1, Replayed: true}, err
}

// appendKeys adds the idempotency keys of records that follow record first-1. It never
// writes into keys' array (cache entries share it): a new one holds the result.
func appendKeys(keys []idemKey, first int64, recs []eventlog.Record) []idemKey {
	for i, r := range recs {
		if r.Meta.IdempotencyKey != "" {
			keys = append(slices.Clip(keys), idemKey{key: r.Meta.IdempotencyKey, actor: r.Meta.Actor, requestHash: r.Meta.RequestHash, n: first + int64(i) + 1})
		}
	}
	return keys
}

// findIdempotent looks for events this actor appended with the same idempotency key. It
// returns how many records the stream had once they were appended (so the state the
// first request answered with can be folded), or ErrIdempotencyMismatch when the key was
// used for another request.
func findIdempotent(keys []idemKey, meta CommandMeta) (int64, bool, error) {
	if meta.IdempotencyKey == "" {
		return 0, false, nil
	}
	var last int64
	for _, k := range keys {
		if k.key == meta.IdempotencyKey && k.actor == meta.Actor {
			if k.requestHash != meta.RequestHash {
				return 0, false, fmt.Errorf("%w: the key %q was first used for another request", application.ErrIdempotencyMismatch, meta.IdempotencyKey)
			}
			last = k.n
		}
	}
	return last, last > 0, nil
}

// encodeEvents turns domain events into sealed records.
func encodeEvents(stream string, after int64, prevHash string, events []domain.Event, meta CommandMeta, now time.Time) ([]eventlog.Record, error) {
	types := make([]string, len(events))
	data := make([][]byte, len(events))
	for i, e := range events {
		b, err := json.Marshal(e)
		if err != nil {
			return nil, fmt.Errorf("encode %s: %w", e.EventType(), err)
		}
		types[i], data[i] = e.EventType(), b
	}
	return newRecords(stream, after, prevHash, types, data, meta, now)
}
