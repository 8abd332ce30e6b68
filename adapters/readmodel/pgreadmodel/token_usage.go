package pgreadmodel

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/ticketengine/ticketengine/projections"
)

var _ projections.TokenUsageStore = (*Store)(nil)

// RecordTokenUse implements projections.TokenUsageStore: the later of the stored and the
// given time wins, so nodes writing out of order never move it back.
func (s *Store) RecordTokenUse(ctx context.Context, id uuid.UUID, at time.Time) error {
	_, err := s.pool.Exec(ctx, "INSERT INTO "+s.table("rm_token_usage")+" (token_id, last_used_at) VALUES ($1, $2) "+
		"ON CONFLICT (token_id) DO UPDATE SET last_used_at = GREATEST("+s.table("rm_token_usage")+".last_used_at, EXCLUDED.last_used_at)", id, at.UTC())
	return err
}

// TokenUses implements projections.TokenUsageStore.
func (s *Store) TokenUses(ctx context.Context) (map[uuid.UUID]time.Time, error) {
	rows, err := s.pool.Query(ctx, "SELECT token_id, last_used_at FROM "+s.table("rm_token_usage"))
	if err != nil {
		return nil, err
	}
	out := map[uuid.UUID]time.Time{}
	var id uuid.UUID
	var at time.Time
	_, err = pgx.ForEachRow(rows, []any{&id, &at}, func() error {
		out[id] = at.UTC()
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
