package projections

import (
	"context"
	"fmt"
	"time"
)

// ReadyRule says which projections' lag makes this node unready. On one node every read
// model is the node's own, and a lag beyond the bound makes it unready: other nodes (if
// any) serve fresher reads. Read models several nodes share (PostgreSQL, projected by the
// holder of the lease "projector", docs/SCALING.md) are another matter: their lag is the
// same on every node, so failing readiness on it takes every node out of the load
// balancer at once, exactly when the holder died and requests could still be answered
// with slightly stale reads. Their lag therefore fails only the node that projects them.
type ReadyRule struct {
	// MaxLag is the bound; 0 is MaxReadyLag.
	MaxLag time.Duration
	// Shared, when set, tells whether projection is kept in a store several nodes share,
	// and if so whether this node answers for its lag: it holds the lease "projector" and
	// has caught up since taking it. nil: every projection is this node's own.
	Shared func(projection string) (shared, projecting bool)
}

func (r ReadyRule) bound() time.Duration {
	if r.MaxLag > 0 {
		return r.MaxLag
	}
	return MaxReadyLag
}

// counts reports whether projection's lag, beyond the bound, makes this node unready.
func (r ReadyRule) counts(projection string) bool {
	if r.Shared == nil {
		return true
	}
	shared, projecting := r.Shared(projection)
	return !shared || projecting
}

// answersFor is, for every projection, whether this node answers for its lag now. It is
// asked before the lags are read: reading them takes a query or two per projection, and a
// lag read while this node was still catching up after a take-over, judged by whether it
// projects once it has caught up meanwhile, would fail it for a backlog it no longer has.
func (r ReadyRule) answersFor() map[string]bool {
	out := map[string]bool{SearchName: r.counts(SearchName)}
	for _, name := range Names() {
		out[name] = r.counts(name)
	}
	return out
}

// Readiness fails when a store is unreachable or a projection this node answers for
// (ReadyRule) is more than the bound behind. stale lists the shared read models beyond
// the bound that another node projects: this node still serves them, as they are; /readyz
// shows them as a warning.
func (s *Service) Readiness(ctx context.Context) (stale []Lag, err error) {
	answers := s.ReadyRule.answersFor()
	lags, err := s.Lag(ctx)
	if err != nil {
		return nil, fmt.Errorf("read models: %w", err)
	}
	bound := s.ReadyRule.bound().Seconds()
	for _, l := range lags {
		if l.Seconds <= bound {
			continue
		}
		if answers[l.Projection] {
			return stale, fmt.Errorf("projection %s is %.1f s (%d events) behind", l.Projection, l.Seconds, l.Events)
		}
		stale = append(stale, l)
	}
	return stale, nil
}
