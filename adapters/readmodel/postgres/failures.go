package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/projections"
)

var _ projections.FailureStore = (*Store)(nil)

// failureColumns are the records a batch's projection skipped; their text (the error
// above all, which may quote the bytes that failed) goes through the same rule as rows.
func failureColumns(fs []projections.Failure) columns {
	n := len(fs)
	names, positions, ids, streams := make([]string, n), make([]int64, n), make([]uuid.UUID, n), make([]string, n)
	types, errs, ats := make([]string, n), make([]string, n), make([]time.Time, n)
	for i, f := range fs {
		names[i], positions[i], ids[i], streams[i] = f.Projection, int64(f.Position), f.EventID, f.Stream
		types[i], errs[i], ats[i] = f.Type, f.Error, f.FailedAt
	}
	c := columns{rows: n}
	c.add("projection", "text", "", names)
	c.add("position", "bigint", "", positions)
	c.add("event_id", "uuid", "", ids)
	c.add("stream", "text", "", streams)
	c.add("type", "text", "", types)
	c.add("error", "text", "", errs)
	c.add("failed_at", "timestamptz", "", ats)
	return c
}

// failuresSQL records failures; one already recorded (by another process projecting
// into the same tables) is left as is.
func (s *Store) failuresSQL() string {
	return "INSERT INTO " + s.table("projection_failures") + ` (projection, position, event_id, stream, type, error, failed_at)
		SELECT * FROM unnest($1::text[], $2::bigint[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::timestamptz[])
		ON CONFLICT (projection, position) DO NOTHING`
}

// FailureCounts implements projections.FailureStore.
func (s *Store) FailureCounts(ctx context.Context) (map[string]int, error) {
	rows, err := s.pool.Query(ctx, "SELECT projection, count(*) FROM "+s.table("projection_failures")+" GROUP BY projection")
	if err != nil {
		return nil, fmt.Errorf("postgres read model: failures: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var name string
		var n int64
		if err := rows.Scan(&name, &n); err != nil {
			return nil, err
		}
		out[name] = int(n)
	}
	return out, rows.Err()
}

// Failures implements projections.FailureStore.
func (s *Store) Failures(ctx context.Context, name string) ([]projections.Failure, error) {
	rows, err := s.pool.Query(ctx, "SELECT projection, position, event_id, stream, type, error, failed_at FROM "+
		s.table("projection_failures")+" WHERE projection = $1 ORDER BY position", name)
	if err != nil {
		return nil, fmt.Errorf("postgres read model: failures: %w", err)
	}
	defer rows.Close()
	var out []projections.Failure
	for rows.Next() {
		var f projections.Failure
		var pos int64
		if err := rows.Scan(&f.Projection, &pos, &f.EventID, &f.Stream, &f.Type, &f.Error, &f.FailedAt); err != nil {
			return nil, err
		}
		f.Position, f.FailedAt = uint64(pos), f.FailedAt.UTC()
		out = append(out, f)
	}
	return out, rows.Err()
}
