package lease

import (
	"context"
	"log/slog"
	"time"
)

// Duty is a background duty run under a lease: it runs until ctx ends (the lease was lost
// or the node stops), and stamps what it writes with epoch where it can. When the lease
// was lost, context.Cause(ctx) is ErrLost: another node may act already, so the duty
// stops at once rather than finish what it has in hand (a node that stops keeps renewing
// the lease until its duty returns, and may take a grace period).
type Duty func(ctx context.Context, epoch uint64) error

// Run runs duty only while this node holds the lease name: it campaigns, runs the duty
// under the lease, cancels the duty's context when the lease is lost, waits for it to
// return, releases the lease, and campaigns again; until ctx ends. A duty that fails is
// logged and started again after a renewal period (by whichever node then holds the
// lease). The lease is released only after the duty returned, so two nodes never run
// it at once (within the clocks' agreement on a TTL).
func Run(ctx context.Context, s Store, name string, cfg Config, log *slog.Logger, duty Duty) error {
	if log == nil {
		log = slog.Default()
	}
	for {
		h, err := campaign(ctx, s, name, cfg, context.WithoutCancel(ctx))
		if err != nil {
			return nil // ctx ended while campaigning
		}
		log.Info("lease acquired", slog.String("lease", name), slog.Uint64("epoch", h.Epoch()))
		err = runHeld(ctx, h, duty)
		lost := isClosed(h.Lost()) // before Release, which closes it too
		h.Release()
		switch {
		case ctx.Err() != nil:
			return nil
		case lost:
			log.Warn("lease lost", slog.String("lease", name), slog.Uint64("epoch", h.Epoch()))
		default:
			log.Error("duty stopped under its lease", slog.String("lease", name), slog.Any("err", err))
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(cfg.period()):
		}
	}
}

// runHeld runs duty until it returns; its context ends with ctx or the lease.
func runHeld(ctx context.Context, h *Held, duty Duty) error {
	dctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	go func() {
		select {
		case <-h.Lost():
			cancel(ErrLost)
		case <-dctx.Done():
		}
	}()
	return duty(dctx, h.Epoch())
}

func isClosed(c <-chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}
