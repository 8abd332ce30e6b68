package service

import (
	"context"
	"fmt"

	"github.com/ticketengine/ticketengine/adapters/session/pgsessions"
	"github.com/ticketengine/ticketengine/application/auth"
)

// SessionsDSN is the database of the desk's sessions (table desk_sessions): where the
// rate limits' counters are, the read models', else the event store's; "" keeps them in
// each process.
func SessionsDSN(cfg Config) string { return LimitsDSN(cfg) }

// openSessions opens the desk's sessions: with PostgreSQL read models or event store, the
// table desk_sessions in the database of SessionsDSN, shared by every node on it (a browser signed in on one is signed in on all; docs/SCALING.md);
// else in this process, where a restart signs everyone out. A deactivation ends the
// account's sessions there at once, on every node.
func (s *Service) openSessions(ctx context.Context, cfg Config) error {
	s.sessions = auth.NewMemorySessions()
	if dsn := SessionsDSN(cfg); dsn != "" && !cfg.NoReadSide {
		pg, err := pgsessions.Open(ctx, dsn)
		if err != nil {
			return fmt.Errorf("desk sessions: %w", err)
		}
		s.closers = append(s.closers, pg.Close)
		s.sessions = pg
	}
	s.Commands.Deactivate = s.Commands.Deactivate.WithSessions(s.sessions)
	return nil
}
