package pgreadmodel

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections"
)

// A queue page on PostgreSQL reads its own rows from indexes in working order
// (migration 00014), as the memory store reads its lanes: the open tickets matching the
// filter by their fixed due time (queue_due), and the waiting ones by their moving due
// time (queue_moving, an offset from now), each ordered and LIMITed to offset+limit+1 in
// SQL; the two short lists are merged at now in Go (projections.FirstQueueRefs), each
// ticket where it comes first. A ticket among the first n of the queue has fewer than n
// tickets before it in either order, so it is in one of the lists at its place.

// noDue is projections.NoDue as SQL.
const noDue = "9223372036854775807"

// breachedSQL is the breach at $1 (now; renumbered where it is used) as domain.TicketState.Clocks judges it: the
// effective due times (a wait in progress moves those not passed when it began).
const breachedSQL = `(first_response_breached OR resolution_breached
  OR (first_responded_at IS NOT NULL AND first_responded_at > ` + frDueSQL + `)
  OR (first_responded_at IS NULL AND $1 > ` + frDueSQL + `) OR $1 > ` + resDueSQL + `)`

const (
	frDueSQL  = `(first_response_due + CASE WHEN waiting_since IS NULL OR first_response_due < waiting_since THEN interval '0' ELSE $1 - waiting_since END)`
	resDueSQL = `(resolution_due + CASE WHEN waiting_since IS NULL OR resolution_due < waiting_since THEN interval '0' ELSE $1 - waiting_since END)`
)

// QueuePage implements projections.Queries.
func (s *Store) QueuePage(ctx context.Context, f projections.QueueFilter, now time.Time, offset, limit int) ([]domain.TicketState, bool, error) {
	if !storable(f) {
		return nil, false, nil
	}
	n := offset + limit + 1
	t := table(projections.Queues)
	q, args := s.queuePageQuery(f, now, n)
	rows, err := s.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, false, fmt.Errorf("postgres read model: queue: %w", err)
	}
	got, err := readRows(rows, t)
	if err != nil {
		return nil, false, err
	}
	seen := make(map[uuid.UUID]bool, len(got))
	refs := make([]*domain.TicketState, 0, len(got))
	for _, r := range got {
		if st := r.(*domain.TicketState); !seen[st.ID] {
			seen[st.ID] = true
			refs = append(refs, st)
		}
	}
	first, _ := projections.FirstQueueRefs(refs, f, now, n)
	if offset >= len(first) {
		return nil, false, nil
	}
	end := min(len(first), offset+limit)
	page := make([]domain.TicketState, end-offset)
	for i, st := range first[offset:end] {
		page[i] = *st
	}
	return page, len(first) > offset+limit, nil
}

// queuePageQuery is the SQL of the first n candidates of a page, and its arguments.
func (s *Store) queuePageQuery(f projections.QueueFilter, now time.Time, n int) (string, []any) {
	where, args := queueWhere(f, now)
	rank := "queue_rank, "
	if f.ByDue {
		rank = ""
	}
	t := table(projections.Queues)
	return fmt.Sprintf(`(SELECT %[1]s FROM %[2]s WHERE %[3]s AND (queue_due < %[4]s OR queue_moving = %[4]s)
  ORDER BY %[5]squeue_due, created_at, ticket_id LIMIT %[6]d)
UNION ALL
(SELECT %[1]s FROM %[2]s WHERE %[3]s AND queue_moving < %[4]s ORDER BY %[5]squeue_moving, created_at, ticket_id LIMIT %[6]d)`,
		selectRows(t, ""), s.table(t.Name), where, noDue, rank, n), args
}

// queueWhere is the filter as SQL conditions on the fields it sets only (so the planner
// picks the index of the team's or the assignee's queue), with its arguments.
func queueWhere(f projections.QueueFilter, now time.Time) (string, []any) {
	conds, args := []string{"is_open"}, []any{}
	add := func(cond string, v any) {
		args = append(args, v)
		conds = append(conds, strings.ReplaceAll(cond, "$?", "$"+strconv.Itoa(len(args))))
	}
	if f.Status != "" {
		add("status = $?", string(f.Status))
	}
	if f.Team != "" {
		add("team = $?", f.Team)
	}
	if f.Assignee != uuid.Nil {
		add("assignee_id = $?", f.Assignee)
	}
	if f.Priority != "" {
		add("priority = $?", string(f.Priority))
	}
	if f.Category != "" {
		add("category = $?", f.Category)
	}
	if f.Tag != "" {
		add("tags @> ARRAY[$?]::text[]", f.Tag)
	}
	if f.Breached != nil {
		args = append(args, now)
		add(strings.ReplaceAll(breachedSQL, "$1", "$"+strconv.Itoa(len(args)))+" = $?", *f.Breached)
	}
	return strings.Join(conds, " AND "), args
}
