package pgstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Checkpoints are the duties' checkpoints (table duty_checkpoints) in the event store's
// database: the policy view's state as of a position, so that a node taking the policies
// over does not fold the log from position 0 (application/policy.CheckpointStore).
type Checkpoints struct{ s *Store }

// Checkpoints returns the store's duty checkpoints.
func (s *Store) Checkpoints() Checkpoints { return Checkpoints{s} }

// LoadCheckpoint returns the checkpoint name (position 0 and no state when none).
func (c Checkpoints) LoadCheckpoint(ctx context.Context, name string) (uint64, []byte, error) {
	var pos int64
	var state []byte
	err := c.s.pool.QueryRow(ctx, `SELECT position, state FROM duty_checkpoints WHERE name = $1`, name).Scan(&pos, &state)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil, nil
	}
	if err != nil {
		return 0, nil, fmt.Errorf("postgres checkpoint %s: %w", name, err)
	}
	return uint64(pos), state, nil
}

// SaveCheckpoint saves the checkpoint name, unless a greater epoch saved one (the saver
// lost its lease) or one further on: saved reports whether it was written.
func (c Checkpoints) SaveCheckpoint(ctx context.Context, name string, epoch, position uint64, state []byte) (bool, error) {
	tag, err := c.s.pool.Exec(ctx, `
		INSERT INTO duty_checkpoints AS d (name, epoch, position, state) VALUES ($1, $2, $3, $4)
		ON CONFLICT (name) DO UPDATE SET epoch = EXCLUDED.epoch, position = EXCLUDED.position,
			state = EXCLUDED.state, saved_at = now()
		WHERE d.epoch <= EXCLUDED.epoch AND d.position <= EXCLUDED.position`,
		name, int64(epoch), int64(position), state)
	if err != nil {
		return false, fmt.Errorf("postgres checkpoint %s: %w", name, err)
	}
	return tag.RowsAffected() == 1, nil
}
