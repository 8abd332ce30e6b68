package projections

import (
	"context"
	"fmt"
	"time"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/domain"
)

// MaxSearchLimit bounds the hits one search returns.
const MaxSearchLimit = 200

// SearchTickets finds the tickets with a message holding every word of q (internal
// notes too when internal: staff), best first, at most limit (0: DefaultSearchLimit).
// It first lets the index apply what was stored when the query came, as list reads do.
func (s *Service) SearchTickets(ctx context.Context, q string, internal bool, limit int) ([]SearchHit, error) {
	if s.Search == nil {
		return nil, fmt.Errorf("%w: search is off", application.ErrNotFound)
	}
	if limit < 0 || limit > MaxSearchLimit {
		return nil, fmt.Errorf("%w: limit must be between 1 and %d", domain.ErrInvalid, MaxSearchLimit)
	}
	if err := s.settleSearch(ctx); err != nil {
		return nil, err
	}
	return s.Search.Search(ctx, SearchQuery{Text: q, IncludeInternal: internal, Limit: limit})
}

// settleSearch waits, up to MaxWait, until the search index has committed what the
// event store held when the query came (the newest record the relay has read and up
// to settleBatch after it): it polls what the indexer has applied, then commits it.
func (s *Service) settleSearch(ctx context.Context) error {
	pos, err := s.Search.committed(ctx)
	if err != nil {
		return err
	}
	target, err := s.settleTarget(ctx, pos)
	if err != nil || target <= pos {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, MaxWait)
	defer cancel()
	if s.Search.standingBy() { // another node indexes: wait for the shared index's checkpoint
		for {
			if pos, err := s.Search.committed(ctx); err != nil || pos >= target {
				return quiet(ctx, err)
			}
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(25 * time.Millisecond):
			}
		}
	}
	for s.Search.Position() < target {
		select {
		case <-ctx.Done():
			return nil // answer what it has, as an eventually consistent read does
		case <-time.After(5 * time.Millisecond):
		}
	}
	// Applied but perhaps not committed (the index commits about once a second): commit
	// now. Searches arriving together wait for one commit; the others find nothing left.
	if s.Search.Progress().Committed < target {
		return quiet(ctx, s.Search.Flush(ctx))
	}
	return nil
}

// searchLag is the search index's lag, reported with the read models' (Lag, Ready).
func (s *Service) searchLag(ctx context.Context) (Lag, error) {
	pos, err := s.Search.committed(ctx)
	if err != nil {
		return Lag{Projection: SearchName}, err
	}
	l := Lag{Projection: SearchName, Position: pos}
	recs, err := s.Events.ReadAll(ctx, pos, 1)
	if err != nil {
		return l, err
	}
	if len(recs) > 0 {
		l.Events = max(s.head.Load(), recs[0].Position) - pos
		l.Seconds = max(0, s.Clock.Now().Sub(recs[0].Meta.OccurredAt).Seconds())
	}
	return l, nil
}

// rebuildSearch rebuilds the search index in this process (the indexer is its writer).
func (s *Service) rebuildSearch(ctx context.Context) (RebuildStats, error) {
	if s.Search == nil {
		return RebuildStats{}, fmt.Errorf("%w: search is off", application.ErrNotFound)
	}
	return s.Search.Rebuild(ctx, s.Events)
}
