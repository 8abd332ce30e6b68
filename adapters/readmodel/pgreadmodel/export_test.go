package pgreadmodel

import (
	"time"

	"github.com/ticketengine/ticketengine/projections"
)

// QueuePageQuery is the SQL a queue page runs for its first n candidates (the tests
// EXPLAIN it to count the rows a page reads).
func QueuePageQuery(s *Store, f projections.QueueFilter, now time.Time, n int) (string, []any) {
	return s.queuePageQuery(f, now, n)
}
