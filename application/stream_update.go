package application

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/ticketengine/ticketengine/domain"
)

// outcome is what a command did to its stream.
type outcome[A any] struct {
	Agg      A
	Version  int64
	Appended []Record
	Replayed bool // an idempotent repeat: nothing was appended, Agg is as the first request left it
}

// update is the life of every command on one stream: read the stream, replay an
// idempotent repeat, check If-Match, fold, decide, append at the version read. When a
// concurrent append wins and the caller gave no expected version, it decides once more
// on the fresh state; a second loss is ErrConflict. With If-Match, a loss is ErrPrecondition.
func update[A any](ctx context.Context, d Deps, stream string, meta CommandMeta,
	f folder[A], decide func(A, time.Time) ([]domain.Event, error)) (outcome[A], error) {
	for attempt := 0; ; attempt++ {
		recs, err := d.Store.ReadStream(ctx, stream)
		if err != nil {
			return outcome[A]{}, fmt.Errorf("read %s: %w", stream, err)
		}
		if n, found, err := findIdempotent(recs, meta); err != nil || found {
			if err != nil {
				return outcome[A]{}, err
			}
			agg, err := f.fold(recs[:n])
			return outcome[A]{Agg: agg, Version: int64(n) - 1, Replayed: true}, err
		}
		version := int64(len(recs)) - 1
		if meta.ExpectedVersion != nil && *meta.ExpectedVersion != version {
			return outcome[A]{}, fmt.Errorf("%w: If-Match %d, current version %d", ErrPrecondition, *meta.ExpectedVersion, version)
		}
		agg, err := f.fold(recs)
		if err != nil {
			return outcome[A]{}, err
		}
		now := Truncate(d.Clock.Now())
		events, err := decide(agg, now)
		if err != nil || len(events) == 0 {
			return outcome[A]{Agg: agg, Version: version}, err
		}
		prev := ""
		if len(recs) > 0 {
			prev = recs[len(recs)-1].Hash
		}
		fresh, err := encodeEvents(stream, version, prev, events, meta, now)
		if err != nil {
			return outcome[A]{}, err
		}
		appended, err := d.Store.Append(ctx, stream, version, fresh)
		if errors.Is(err, ErrWrongExpectedVersion) {
			if meta.ExpectedVersion != nil {
				return outcome[A]{}, fmt.Errorf("%w: a concurrent change moved %s past version %d", ErrPrecondition, stream, version)
			}
			if attempt == 0 {
				continue
			}
			return outcome[A]{}, fmt.Errorf("%w on %s, twice", ErrConflict, stream)
		}
		if err != nil {
			return outcome[A]{}, fmt.Errorf("append %s: %w", stream, err)
		}
		// decide does not change the aggregate, so the state after the append is the
		// folded one with only the appended records applied on: no second full fold.
		err = f.applyAll(agg, appended)
		return outcome[A]{Agg: agg, Version: version + int64(len(appended)), Appended: appended}, err
	}
}

// findIdempotent looks for events this actor appended with the same idempotency key. It
// returns how many records the stream had once they were appended (so the state the
// first request answered with can be folded), or ErrIdempotencyMismatch when the key was
// used for another request.
func findIdempotent(recs []Record, meta CommandMeta) (int, bool, error) {
	if meta.IdempotencyKey == "" {
		return 0, false, nil
	}
	last := -1
	for i, r := range recs {
		if r.Meta.IdempotencyKey == meta.IdempotencyKey && r.Meta.Actor == meta.Actor {
			if r.Meta.RequestHash != meta.RequestHash {
				return 0, false, fmt.Errorf("%w: the key %q was first used for another request", ErrIdempotencyMismatch, meta.IdempotencyKey)
			}
			last = i
		}
	}
	return last + 1, last >= 0, nil
}

// encodeEvents turns domain events into sealed records.
func encodeEvents(stream string, after int64, prevHash string, events []domain.Event, meta CommandMeta, now time.Time) ([]Record, error) {
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

// folder is how update folds one kind of stream: an aggregate before its first
// event, and one stored record applied to it (decoding the record's data).
type folder[A any] struct {
	fresh func() A
	apply func(A, Record) error
}

// fold replays records into a fresh aggregate.
func (f folder[A]) fold(recs []Record) (A, error) {
	a := f.fresh()
	if err := f.applyAll(a, recs); err != nil {
		var zero A
		return zero, err
	}
	return a, nil
}

// applyAll folds further records into the aggregate, in order.
func (f folder[A]) applyAll(a A, recs []Record) error {
	for _, r := range recs {
		if err := f.apply(a, r); err != nil {
			return err
		}
	}
	return nil
}

// ticketFolder folds ticket streams. A record that does not decode is a corrupt store,
// not a client's mistake, so its error carries no error kind.
var ticketFolder = folder[*domain.Ticket]{
	fresh: domain.NewTicket,
	apply: func(t *domain.Ticket, r Record) error {
		e, err := domain.DecodeTicketEvent(r.Type, r.Data)
		if err != nil {
			return undecodable(r, err)
		}
		t.Apply(e, r.Meta.OccurredAt)
		return nil
	},
}

// agentFolder folds agent streams.
var agentFolder = folder[*domain.Agent]{
	fresh: domain.NewAgent,
	apply: func(a *domain.Agent, r Record) error {
		e, err := domain.DecodeAgentEvent(r.Type, r.Data)
		if err != nil {
			return undecodable(r, err)
		}
		a.Apply(e)
		return nil
	},
}

func undecodable(r Record, err error) error {
	return fmt.Errorf("stored event %s v%d does not decode: %v", r.Stream, r.Version, err)
}

// FoldTicket replays a ticket's records.
func FoldTicket(recs []Record) (*domain.Ticket, error) { return ticketFolder.fold(recs) }

// FoldAgent replays an agent's records.
func FoldAgent(recs []Record) (*domain.Agent, error) { return agentFolder.fold(recs) }
