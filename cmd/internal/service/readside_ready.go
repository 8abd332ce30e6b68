package service

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/projections"
)

// Readiness on several nodes (docs/SCALING.md, "Readiness"). /readyz says whether this
// node can serve: its stores answer, the read models it keeps itself (memory, an embedded
// search index) are caught up, it is not draining. The shared read models (PostgreSQL)
// are behind on every node alike when their projector's node dies, until another node
// takes the lease over (up to TTL + TTL/3): failing readiness on that lag would take every
// node out of the load balancer at once, when they could all still answer (reads with
// slightly older data, commands as always). So on a node without the lease "projector"
// their lag is only a warning (/readyz's "shared_lag", the lag gauges on /metrics).
//
// On the node that projects them, lag beyond the bound still fails, once it has caught up
// since taking the lease: its projector is then not keeping up, and leaving the load
// balancer gives the projection that node's CPU while the others serve. While it catches
// up after a take-over it stays ready (the backlog is the dead holder's, and on two nodes
// it is the only node left).

// projectorState is whether this node projects the shared read models now, caught up since
// it took the lease "projector" (readside_leases.go sets it).
type projectorState struct{ projecting atomic.Bool }

// caughtUpPoll is how often a new holder of the lease "projector" looks whether its live
// feed has committed the head it started from.
const caughtUpPoll = 20 * time.Millisecond

// watchCaughtUp sets projecting once every shared read model has committed the event
// store's head as it stood when the live feed started (after `from`, what the take-over's
// catch-up applied), or ctx ends. The catch-up reads up to the head it sees; an event
// committed meanwhile (a command slow to commit, its event already older than the bound)
// is the feed's first work, and counting this node's lag before the feed did it would take
// the node out of the load balancer for the dead holder's backlog.
func (p *projectorState) watchCaughtUp(ctx context.Context, events eventlog.EventStore, read *projections.Service, from uint64, log *slog.Logger) {
	target, err := lastPosition(ctx, events, from)
	for err == nil && read != nil && read.ReadyRule.Shared != nil {
		var caught bool
		if caught, err = committedUpTo(ctx, read, target); caught || err != nil {
			break
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(caughtUpPoll):
		}
	}
	if err != nil && ctx.Err() == nil {
		log.Warn("read models: whether the projector caught up is unknown; its lag counts from now", slog.Any("err", err))
	}
	if ctx.Err() == nil {
		log.Info("read models: caught up since the take-over; this node answers for their lag", slog.Uint64("head", target))
		p.projecting.Store(true)
	}
}

// lastPosition is the position of the newest record in the store, from `after` on (after
// when there is none past it).
func lastPosition(ctx context.Context, events eventlog.EventStore, after uint64) (uint64, error) {
	const page = 1000
	for {
		recs, err := events.ReadAll(ctx, after, page)
		if err != nil {
			return after, err
		}
		if len(recs) > 0 {
			after = recs[len(recs)-1].Position
		}
		if len(recs) < page {
			return after, nil
		}
	}
}

// committedUpTo: every shared read model's checkpoint is at target or past it.
func committedUpTo(ctx context.Context, read *projections.Service, target uint64) (bool, error) {
	lags, err := read.Lag(ctx)
	if err != nil {
		return false, err
	}
	for _, l := range lags {
		if shared, _ := read.ReadyRule.Shared(l.Projection); shared && l.Position < target {
			return false, nil
		}
	}
	return true, nil
}

// readyRule is the read side's readiness rule for cfg (projections.ReadyRule).
func (s *Service) readyRule(cfg Config) projections.ReadyRule {
	rule := projections.ReadyRule{MaxLag: cfg.MaxReadyLag}
	if !s.sharedReadModel(cfg) {
		return rule
	}
	sharedSearch := s.sharedSearch(cfg)
	rule.Shared = func(name string) (bool, bool) {
		shared := name != projections.SearchName || sharedSearch
		return shared, shared && s.projector.projecting.Load()
	}
	return rule
}

// readiness is /readyz's hook: this node's own state (stores, draining), then the read
// side's lags (nil read: none).
func (s *Service) readiness(read *projections.Service) func(ctx context.Context) ([]projections.Lag, error) {
	return func(ctx context.Context) ([]projections.Lag, error) {
		if read == nil {
			return nil, s.ready(ctx)
		}
		if err := s.ready(ctx); err != nil {
			return nil, err
		}
		return read.Readiness(ctx)
	}
}
