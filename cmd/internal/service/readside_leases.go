package service

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/ticketengine/ticketengine/adapters/watermillrelay"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/application/lease"
	"github.com/ticketengine/ticketengine/projections"
)

// The read side on several nodes (docs/SCALING.md). A read model kept in PostgreSQL
// (--readmodel postgres://…, and the search index in it) is shared: one node at a time
// projects into it, under the lease "projector", and every node reads it (read-your-writes
// waits for its checkpoints). A read model kept in memory (and an embedded search index)
// is each node's own: every node projects it. Over JetStream (--pubsub nats://…) the relay
// that publishes the event store into the bus is one node's, under the lease "relay", and
// every node's consumers take from the bus.

// Lease names of the read side.
const (
	leaseProjector = "projector"
	leaseRelay     = "relay"
)

// sharedReadModel: the read models live in the store every node shares, and several
// nodes may share it (a shared event store, so leases).
func (s *Service) sharedReadModel(cfg Config) bool {
	return s.leases != nil && cfg.ReadModel != ""
}

// sharedSearch: the search index lives in the shared PostgreSQL, as the read models.
func (s *Service) sharedSearch(cfg Config) bool {
	return s.sharedReadModel(cfg) && cfg.searchBackend() == SearchPostgres
}

// feedReadSide schedules what keeps the read side current: the relay and the consumers,
// each on every node or under its lease.
func (s *Service) feedReadSide(cfg Config, bus *watermillrelay.Bus, svc *projections.Service,
	engine *projections.Engine, search *projections.SearchIndexer, log *slog.Logger) {
	all := []watermillrelay.Consumer{engine}
	if search != nil {
		all = append(all, search)
	}
	if s.leases == nil { // the one node: everything here, as one pipeline
		s.readSide = append(s.readSide, func(ctx context.Context) error {
			return watermillrelay.RunAll(ctx, s.Store, bus, svc, log, all...)
		})
		return
	}
	var shared, local []watermillrelay.Consumer
	var leader sharedProjector
	if s.sharedReadModel(cfg) {
		shared, leader.engine = append(shared, engine), engine
		engine.SetStandby(true)
	} else {
		local = append(local, engine)
	}
	if search != nil && s.sharedSearch(cfg) {
		shared, leader.search = append(shared, search), search
		search.SetStandby(true)
	} else if search != nil {
		local = append(local, search)
	}
	position := func() uint64 {
		low := ^uint64(0)
		for _, c := range all {
			low = min(low, c.Position())
		}
		return low
	}
	if bus.Last != nil { // a bus every node shares: one relay into it, every node consumes
		s.readSide = append(s.readSide, s.underLease(leaseRelay, func(ctx context.Context, _ uint64) error {
			return watermillrelay.RunRelay(ctx, s.Store, bus, log, position())
		}))
		if len(local) > 0 {
			s.readSide = append(s.readSide, func(ctx context.Context) error {
				return watermillrelay.RunConsumers(ctx, s.Store, bus, log, local...)
			})
		}
		if len(shared) > 0 {
			s.readSide = append(s.readSide, s.underLease(leaseProjector, func(ctx context.Context, epoch uint64) error {
				return leader.run(ctx, s, log, epoch, func(ctx context.Context) error {
					return watermillrelay.RunConsumers(ctx, s.Store, bus, log, shared...)
				})
			}))
		}
		return
	}
	// The bus is this process's (GoChannel): each pipeline has its own relay.
	if len(local) > 0 {
		s.readSide = append(s.readSide, func(ctx context.Context) error {
			return watermillrelay.RunAll(ctx, s.Store, bus, svc, log, local...)
		})
	}
	if len(shared) > 0 {
		s.readSide = append(s.readSide, s.underLease(leaseProjector, func(ctx context.Context, epoch uint64) error {
			return leader.run(ctx, s, log, epoch, func(ctx context.Context) error {
				own := watermillrelay.NewGoChannel(log)
				defer own.Close()
				return watermillrelay.RunAll(ctx, s.Store, own, svc, log, shared...)
			})
		}))
	}
}

// sharedProjector is what this node projects into the shared store while it holds the
// lease "projector".
type sharedProjector struct {
	engine *projections.Engine
	search *projections.SearchIndexer
}

// run projects while ctx lasts: it starts from the store's checkpoints (the former holder
// moved them), catches up from the event store, follows live with feed, and stands by
// again when the lease ends.
func (p sharedProjector) run(ctx context.Context, s *Service, log *slog.Logger, epoch uint64, feed func(context.Context) error) error {
	start := time.Now()
	n := 0
	if p.engine != nil {
		if err := p.engine.Reload(ctx); err != nil {
			return err
		}
		p.engine.SetStandby(false)
		defer p.engine.SetStandby(true)
		t := time.Now()
		read, err := p.engine.CatchUp(ctx, s.Store)
		if err != nil {
			return fmt.Errorf("read models: catching up: %w", err)
		}
		log.Info("read models caught up", slog.Int("events", read), slog.Duration("took", time.Since(t)))
		n += read
	}
	if p.search != nil {
		if err := p.search.Reload(ctx); err != nil {
			return err
		}
		p.search.SetStandby(false)
		defer p.search.SetStandby(true)
		t := time.Now()
		read, err := p.search.CatchUp(ctx, s.Store)
		if err != nil {
			return fmt.Errorf("search: catching up: %w", err)
		}
		log.Info("search index caught up", slog.Int("events", read), slog.Duration("took", time.Since(t)))
		n += read
	}
	log.Info("projecting into the shared read models", slog.Uint64("epoch", epoch),
		slog.Int("caught_up_events", n), slog.Duration("took", time.Since(start)))
	from := p.position()
	live, stop := context.WithCancel(ctx)
	watched := make(chan struct{})
	go func() { // from now on its lag is this node's (readside_ready.go), once the feed caught up
		defer close(watched)
		s.projector.watchCaughtUp(live, s.Store, s.ReadSide, from, log)
	}()
	defer func() { stop(); <-watched; s.projector.projecting.Store(false) }()
	err := feed(ctx)
	if ctx.Err() != nil && !errors.Is(context.Cause(ctx), lease.ErrLost) {
		return p.catchUpBeforeLettingGo(context.WithoutCancel(ctx), s, log)
	}
	return err
}

// finalCatchUp bounds the last catch-up of a node that stops.
const finalCatchUp = 10 * time.Second

// catchUpBeforeLettingGo projects what the live feed had not delivered when the node
// began to stop: the lease is still held (it is renewed until this duty returns), and
// Service.Stop ends the tasks that append events before this one, so what is read here
// is the store's last word from this node. A lost lease skips it: another node projects.
func (p sharedProjector) catchUpBeforeLettingGo(ctx context.Context, s *Service, log *slog.Logger) error {
	ctx, cancel := context.WithTimeout(ctx, finalCatchUp)
	defer cancel()
	n := 0
	catchUp := func(what string, c func(context.Context, eventlog.EventStore) (int, error)) bool {
		read, err := c(ctx, s.Store)
		if err != nil {
			log.Warn(what+": last catch-up before stopping failed; the next holder projects the rest", slog.Any("err", err))
			return false
		}
		n += read
		return true
	}
	if p.engine != nil && !catchUp("read models", p.engine.CatchUp) {
		return nil
	}
	if p.search != nil && !catchUp("search", p.search.CatchUp) {
		return nil
	}
	log.Info("read models: caught up before stopping", slog.Int("events", n), slog.Uint64("position", p.position()))
	return nil
}

// position is the lowest position the shared projections have applied.
func (p sharedProjector) position() uint64 {
	low := ^uint64(0)
	if p.engine != nil {
		low = min(low, p.engine.Position())
	}
	if p.search != nil {
		low = min(low, p.search.Position())
	}
	return low
}
