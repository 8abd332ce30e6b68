package service

import (
	"context"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/ticketengine/ticketengine/adapters/eventstore/esdb"
	"github.com/ticketengine/ticketengine/adapters/eventstore/pgstore"
	"github.com/ticketengine/ticketengine/adapters/lease/pglease"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/application/lease"
	"github.com/ticketengine/ticketengine/application/policy"
)

// The leases of the background duties (docs/SCALING.md): on a shared event store
// (PostgreSQL, EventStoreDB) the policies, the outbox (mails and webhooks), the projector
// of shared read models and the relay into JetStream each run on one node at a time,
// under a lease kept in that store; on the embedded or memory store the one node runs
// them all, without a lease. A new background duty is one more s.underLease(name, duty).

// Lease names: one per duty (the read side's in readside_leases.go).
const (
	leasePolicies = "policies"
	leaseOutbox   = "outbox"
)

// openLeases opens the lease store beside the event store raw (as opened, before any
// wrapping), or takes cfg.Leases; none when the store is not shared.
func (s *Service) openLeases(ctx context.Context, cfg Config, raw eventlog.EventStore) error {
	es, isESDB := raw.(*esdb.Store)
	// The policy view's checkpoint (policy/checkpoint.go), in the shared store.
	if pg, ok := raw.(*pgstore.Store); ok {
		s.checkpoints = pg.Checkpoints()
	}
	if isESDB {
		s.checkpoints = es.Checkpoints()
	}
	switch {
	case !isESDB && !isPostgres(cfg.EventStore):
		return nil
	case cfg.Leases != nil:
		s.leases = cfg.Leases
	case isESDB:
		s.leases = es.Leases()
	default:
		l, err := pglease.Open(ctx, cfg.EventStore)
		if err != nil {
			return fmt.Errorf("leases: %w", err)
		}
		s.closers = append(s.closers, l.Close)
		s.leases = l
	}
	s.leaseConfig = lease.Config{Holder: lease.NewHolder(), TTL: cfg.LeaseTTL}
	s.leaseEpoch = prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "tickets_lease_epoch",
		Help: "Epoch of each lease this process holds and runs the duty of; 0 while another process holds it."}, []string{"lease"})
	s.Registry.MustRegister(s.leaseEpoch)
	return nil
}

// underLease is duty as background work: run under the lease name where the store is
// shared, or at once, with epoch 0, where this is the one node.
func (s *Service) underLease(name string, duty lease.Duty) func(context.Context) error {
	if s.leases == nil {
		return func(ctx context.Context) error { return duty(ctx, 0) }
	}
	log := s.Log.With("component", "lease")
	epoch := s.leaseEpoch.WithLabelValues(name)
	held := func(ctx context.Context, e uint64) error {
		epoch.Set(float64(e))
		defer epoch.Set(0)
		return duty(ctx, e)
	}
	return func(ctx context.Context) error { return lease.Run(ctx, s.leases, name, s.leaseConfig, log, held) }
}

// checkpointsIfLeased is where the policy view's checkpoint is kept: beside the leases,
// since only a leaseholder saves it (none on one node, which folds at its start).
func (s *Service) checkpointsIfLeased() policy.CheckpointStore {
	if s.leases == nil || s.checkpoints == nil {
		return nil
	}
	return s.checkpoints
}
