package policy

import (
	"context"
	"log/slog"
)

// Lead makes a Standby engine act until ctx ends: it is the policies' lease.Duty, run by
// the one node holding the lease "policies". Once the view has caught up, it sets every
// open ticket's SLA timers afresh (the checks this node's monitor skipped while it only
// followed, or that a former leader left half done, come due at once: CheckSLA records a
// breach once, whoever asks twice), runs the monitor, reconciles every open ticket (rules,
// routing), and reacts to live records until ctx ends.
func (e *Engine) Lead(ctx context.Context, epoch uint64) error {
	select {
	case <-e.ready:
	case <-ctx.Done():
		return nil
	}
	e.log.Info("policies leading", slog.Uint64("epoch", epoch))
	e.mu.Lock()
	for id := range e.v.tickets {
		e.scheduleLocked(id)
	}
	e.mu.Unlock()
	e.epoch.Store(epoch)
	e.leading.Store(true)
	defer e.leading.Store(false)
	defer e.epoch.Store(0)
	errc := make(chan error, 1)
	go func() { errc <- e.mon.run(ctx, e.clock.Now, e.fire) }()
	saved := make(chan struct{})
	go func() { e.saveCheckpoints(ctx, epoch); close(saved) }()
	e.reconcileAll(ctx)
	<-errc
	<-saved
	e.log.Info("policies following", slog.Uint64("epoch", epoch))
	return nil
}
