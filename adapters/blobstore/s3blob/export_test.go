package s3blob

import (
	"context"
	"time"
)

// RemoveStale lets the tests remove what is older than before, without waiting a day.
func (s *Store) RemoveStale(ctx context.Context, before time.Time) error {
	return s.removeStale(ctx, before)
}
