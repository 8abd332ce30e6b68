package service

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/ticketengine/ticketengine/adapters/ratelimit/pglimits"
	"github.com/ticketengine/ticketengine/application/access"
)

// limiters are the per-client budgets of the customer's doors, shared by the API and the
// pages: a client refused on one is refused on the other. With PostgreSQL read models or
// event store, the counts are kept there, so every node on that database shares them too.
type limiters struct {
	portal, open, upload *access.Limiter
	// vote is the "did this help?" budget (access.VoteBudget).
	vote *access.Limiter
	// The desk's failed sign-ins, per account and per client (docs/PAGES.md).
	signInAccount, signInClient *access.Limiter
	// counters are the counts behind them, for the limiters made later (each mailbox's
	// per-sender limit); onError is theirs too.
	counters access.Counters
	onError  func(error)
}

// LimitsDSN is the database of the shared counters (table rate_counters): the read
// models', else the event store's; "" keeps them in each process.
func LimitsDSN(cfg Config) string {
	switch {
	case isPostgres(cfg.ReadModel):
		return cfg.ReadModel
	case isPostgres(cfg.EventStore):
		return cfg.EventStore
	}
	return ""
}

func (s *Service) openLimiters(ctx context.Context, cfg Config, log *slog.Logger) (limiters, error) {
	var counters access.Counters = access.NewMemoryCounters()
	// ticketctl (no read side) serves no customer: its counters need not be shared.
	if dsn := LimitsDSN(cfg); dsn != "" && !cfg.NoReadSide {
		pg, err := pglimits.Open(ctx, dsn)
		if err != nil {
			return limiters{}, fmt.Errorf("rate limits: %w", err)
		}
		s.closers = append(s.closers, pg.Close)
		counters = pg
	}
	onError := func(err error) { log.Warn("rate limit not applied: the shared counters failed", slog.Any("err", err)) }
	limiter := func(name string, n int, window time.Duration) *access.Limiter {
		l := access.NewSharedLimiter(name, n, window, counters)
		l.OnError = onError
		return l
	}
	return limiters{counters: counters, onError: onError, portal: limiter("portal", 20, time.Minute), open: limiter("open", 20, time.Minute),
		upload: limiter("upload", 20, time.Minute), signInAccount: limiter("signin-account", 10, 15*time.Minute),
		signInClient: limiter("signin-client", 30, 15*time.Minute), vote: limiter("vote", access.VoteBudget, access.VoteWindow)}, nil
}
