package pgreadmodel

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections"
)

// TicketPage implements projections.Queries over rm_queue_tickets (every ticket, open or
// not): only the filters given become conditions, so the planner picks the index of the
// most selective one, each ordered as the list is (created_at DESC, ticket_id DESC), and
// a page reads only its own rows; the cursor is a key, not an offset.
func (s *Store) TicketPage(ctx context.Context, f projections.TicketFilter, after projections.TicketCursor, limit int) ([]domain.TicketState, bool, error) {
	if !isClean(f.Tag) || !isClean(string(f.Status)) || !isClean(f.Team) ||
		!isClean(f.Category) || !isClean(string(f.Priority)) || !isClean(string(f.Channel)) {
		return nil, false, nil
	}
	var where []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(cond, "$", "$"+strconv.Itoa(len(args))))
	}
	for _, c := range []struct{ col, v string }{{"status", string(f.Status)}, {"team", f.Team}, {"category", f.Category}, {"priority", string(f.Priority)}, {"channel", string(f.Channel)}} {
		if c.v != "" {
			add(c.col+" = $", c.v)
		}
	}
	if f.Customer != uuid.Nil { // the ticket's customer record, as text (migration 00008)
		add("customer_id = $", f.Customer.String())
	}
	if f.Tag != "" { // the GIN index of migration 00009 serves @>
		add("tags @> ARRAY[$]::text[]", f.Tag)
	}
	if f.Assignee != uuid.Nil {
		add("assignee_id = $", f.Assignee)
	}
	if !f.From.IsZero() {
		add("created_at >= $", f.From)
	}
	if !f.To.IsZero() {
		add("created_at < $", f.To)
	}
	if !after.IsZero() {
		args = append(args, after.At, after.ID)
		n := len(args)
		where = append(where, fmt.Sprintf("(created_at, ticket_id) < ($%d, $%d)", n-1, n))
	}
	t := table(projections.Queues)
	q := "SELECT " + selectRows(t, "") + " FROM " + s.table(t.Name)
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	args = append(args, limit+1)
	q += " ORDER BY created_at DESC, ticket_id DESC LIMIT $" + strconv.Itoa(len(args))
	rows, err := s.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, false, fmt.Errorf("postgres read model: tickets: %w", err)
	}
	got, err := readRows(rows, t)
	page := rowsAs[domain.TicketState](got)
	if err != nil || len(page) <= limit {
		return page, false, err
	}
	return page[:limit], true, nil
}
