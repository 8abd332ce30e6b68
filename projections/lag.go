package projections

import (
	"context"
	"time"
)

// MaxReadyLag is how far behind (in the age of the oldest unapplied event) a projection
// may be while the process still reports ready (which projections count: ReadyRule).
const MaxReadyLag = 10 * time.Second

// Lag is how far a projection is behind the event store.
type Lag struct {
	Projection string  `json:"projection"`
	Position   uint64  `json:"position"`
	Events     uint64  `json:"events"`  // records stored but not yet committed (at least 1 when behind)
	Seconds    float64 `json:"seconds"` // age of the oldest of them, 0 when caught up
}

// ObserveHead records a position the relay has read from the event store: the lag in
// events is counted against the highest one seen.
func (s *Service) ObserveHead(pos uint64) {
	for {
		cur := s.head.Load()
		if pos <= cur || s.head.CompareAndSwap(cur, pos) {
			return
		}
	}
}

// Lag reports every projection's lag: the committed checkpoint against the event store,
// judged by the oldest record not yet committed.
func (s *Service) Lag(ctx context.Context) ([]Lag, error) {
	out := make([]Lag, 0, len(Names()))
	now := s.Clock.Now()
	for _, name := range Names() {
		pos, err := s.Store.Checkpoint(ctx, name)
		if err != nil {
			return nil, err
		}
		l := Lag{Projection: name, Position: pos}
		recs, err := s.Events.ReadAll(ctx, pos, 1)
		if err != nil {
			return nil, err
		}
		if len(recs) > 0 {
			head := max(s.head.Load(), recs[0].Position)
			l.Events = head - pos
			l.Seconds = max(0, now.Sub(recs[0].Meta.OccurredAt).Seconds())
		}
		out = append(out, l)
	}
	if s.Search != nil {
		l, err := s.searchLag(ctx)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, nil
}

// Ready fails when a store is unreachable or a projection this node answers for is more
// than the bound behind (Readiness).
func (s *Service) Ready(ctx context.Context) error {
	_, err := s.Readiness(ctx)
	return err
}
