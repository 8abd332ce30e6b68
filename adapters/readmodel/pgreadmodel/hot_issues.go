package pgreadmodel

import (
	"context"
	"fmt"
	"time"

	"github.com/ticketengine/ticketengine/projections"
)

var _ projections.HotRanger = (*Store)(nil)

// HotTicketsReceived implements projections.HotRanger over rm_hot_tickets' received_at
// index: the hot-issue detector reads a few hours at a time, never the whole table.
func (s *Store) HotTicketsReceived(ctx context.Context, from, to time.Time) ([]projections.HotTicket, error) {
	t := table(projections.HotTickets)
	rows, err := s.pool.Query(ctx, "SELECT "+selectRows(t, "")+" FROM "+s.table(t.Name)+
		" WHERE received_at >= $1 AND received_at < $2 ORDER BY ticket_id", from, to)
	if err != nil {
		return nil, fmt.Errorf("postgres read model: hot tickets: %w", err)
	}
	got, err := readRows(rows, t)
	return rowsAs[projections.HotTicket](got), err
}
