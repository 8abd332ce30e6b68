package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections"
)

// OpenTickets implements projections.Queries; the partial indexes serve the filters.
func (s *Store) OpenTickets(ctx context.Context, f projections.QueueFilter) ([]domain.TicketState, error) {
	if !storable(f) {
		return nil, nil
	}
	q := "SELECT state FROM " + s.table("rm_queue_tickets") + ` WHERE is_open
		AND ($1 = '' OR status = $1) AND ($2 = '' OR team = $2)
		AND ($3::uuid IS NULL OR assignee_id = $3) AND ($4 = '' OR priority = $4)
		AND ($5 = '' OR category = $5)`
	rows, err := s.pool.Query(ctx, q, string(f.Status), f.Team, uuidOrNull(f.Assignee), string(f.Priority), f.Category)
	if err != nil {
		return nil, fmt.Errorf("postgres read model: queue: %w", err)
	}
	b, err := collect(rows, projections.Queues)
	return b.Tickets, err
}

// queuePageSQL is projections.SortQueue in SQL: the effective due times (a wait in
// progress moves those not passed when it began), the nearest running one (the first
// response clock runs until the first response; the resolution clock always runs on an
// open ticket), the breach at $6 as domain.TicketState.Clocks judges it.
const queuePageSQL = `WITH q AS (
  SELECT state, ticket_id, created_at, first_responded_at, first_response_breached, resolution_breached,
    CASE priority WHEN 'P1' THEN 1 WHEN 'P2' THEN 2 WHEN 'P3' THEN 3 WHEN 'P4' THEN 4 ELSE 5 END AS rank,
    first_response_due + CASE WHEN waiting_since IS NULL OR first_response_due < waiting_since
      THEN interval '0' ELSE $6 - waiting_since END AS fr_due,
    resolution_due + CASE WHEN waiting_since IS NULL OR resolution_due < waiting_since
      THEN interval '0' ELSE $6 - waiting_since END AS res_due
  FROM %s
  WHERE is_open AND ($1 = '' OR status = $1) AND ($2 = '' OR team = $2)
    AND ($3::uuid IS NULL OR assignee_id = $3) AND ($4 = '' OR priority = $4) AND ($5 = '' OR category = $5)
), d AS (
  SELECT state, ticket_id, created_at, rank,
    CASE WHEN first_responded_at IS NULL AND fr_due < res_due THEN fr_due ELSE res_due END AS next_due,
    first_response_breached OR (first_responded_at IS NOT NULL AND first_responded_at > fr_due)
      OR (first_responded_at IS NULL AND $6 > fr_due) OR resolution_breached OR $6 > res_due AS breached
  FROM q
)
SELECT state FROM d WHERE ($7::boolean IS NULL OR breached = $7)
ORDER BY rank, next_due, created_at, ticket_id OFFSET $8 LIMIT $9`

// QueuePage implements projections.Queries: filtered, ordered and paged in SQL, so a
// page reads only its own rows.
func (s *Store) QueuePage(ctx context.Context, f projections.QueueFilter, now time.Time, offset, limit int) ([]domain.TicketState, bool, error) {
	if !storable(f) {
		return nil, false, nil
	}
	rows, err := s.pool.Query(ctx, fmt.Sprintf(queuePageSQL, s.table("rm_queue_tickets")),
		string(f.Status), f.Team, uuidOrNull(f.Assignee), string(f.Priority), f.Category, now, f.Breached, offset, limit+1)
	if err != nil {
		return nil, false, fmt.Errorf("postgres read model: queue: %w", err)
	}
	b, err := collect(rows, projections.Queues)
	if err != nil || len(b.Tickets) <= limit {
		return b.Tickets, false, err
	}
	return b.Tickets[:limit], true, nil
}

// storable reports whether every text of the filter could be stored: one holding a NUL
// or invalid UTF-8 matches no row (the stored text was made clean, sanitise.go), and
// PostgreSQL would refuse it as a parameter (a server error for a client's input).
func storable(f projections.QueueFilter) bool {
	return isClean(string(f.Status)) && isClean(f.Team) && isClean(string(f.Priority)) && isClean(f.Category)
}

// collect decodes a one-column result of snapshots.
func collect(rows pgx.Rows, name string) (projections.Batch, error) {
	defer rows.Close()
	var b projections.Batch
	for rows.Next() {
		var raw []byte
		if err := rows.Scan(&raw); err != nil {
			return b, err
		}
		if err := addJSON(&b, name, raw); err != nil {
			return b, err
		}
	}
	return b, rows.Err()
}

// KPIFacts implements projections.Queries.
func (s *Store) KPIFacts(ctx context.Context, from, to time.Time) ([]projections.KPIFact, error) {
	rows, err := s.pool.Query(ctx, "SELECT fact FROM "+s.table("rm_kpi_tickets")+
		" WHERE received_at >= $1 AND received_at < $2 ORDER BY ticket_id", from, to)
	if err != nil {
		return nil, fmt.Errorf("postgres read model: kpi facts: %w", err)
	}
	b, err := collect(rows, projections.KPI)
	return b.Facts, err
}

// PortalTicket implements projections.Queries.
func (s *Store) PortalTicket(ctx context.Context, id uuid.UUID) (domain.TicketState, []projections.PortalEntry, bool, error) {
	var raw []byte
	err := s.pool.QueryRow(ctx, "SELECT state FROM "+s.table("rm_portal_tickets")+" WHERE ticket_id = $1", id).Scan(&raw)
	if err == pgx.ErrNoRows {
		return domain.TicketState{}, nil, false, nil
	}
	if err != nil {
		return domain.TicketState{}, nil, false, fmt.Errorf("postgres read model: portal: %w", err)
	}
	st, err := decodeTicket(raw)
	if err != nil {
		return st, nil, false, err
	}
	rows, err := s.pool.Query(ctx, "SELECT version, at, kind, text FROM "+s.table("rm_portal_timeline")+" WHERE ticket_id = $1 ORDER BY version", id)
	if err != nil {
		return st, nil, false, fmt.Errorf("postgres read model: timeline: %w", err)
	}
	defer rows.Close()
	var tl []projections.PortalEntry
	for rows.Next() {
		e := projections.PortalEntry{TicketID: id}
		if err := rows.Scan(&e.Version, &e.At, &e.Kind, &e.Text); err != nil {
			return st, nil, false, err
		}
		e.At = e.At.UTC()
		tl = append(tl, e)
	}
	return st, tl, true, rows.Err()
}

func decodeTicket(raw []byte) (domain.TicketState, error) {
	var st domain.TicketState
	if err := json.Unmarshal(raw, &st); err != nil {
		return st, fmt.Errorf("postgres read model: a stored ticket does not decode: %w", err)
	}
	return st, nil
}

// agentsQuery counts each agent's open tickets from the queue projection.
func (s *Store) agentsQuery(where string) string {
	return "SELECT a.state, (SELECT count(*) FROM " + s.table("rm_queue_tickets") +
		" q WHERE q.is_open AND q.assignee_id = a.agent_id) FROM " + s.table("rm_agents") + " a " + where
}

// Agents implements projections.Queries, ordered by name (byte order) then id.
func (s *Store) Agents(ctx context.Context) ([]projections.AgentRow, error) {
	rows, err := s.pool.Query(ctx, s.agentsQuery(`ORDER BY a.name COLLATE "C", a.agent_id`))
	if err != nil {
		return nil, fmt.Errorf("postgres read model: agents: %w", err)
	}
	defer rows.Close()
	out := []projections.AgentRow{}
	for rows.Next() {
		a, err := scanAgent(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Agent implements projections.Queries.
func (s *Store) Agent(ctx context.Context, id uuid.UUID) (projections.AgentRow, bool, error) {
	a, err := scanAgent(s.pool.QueryRow(ctx, s.agentsQuery("WHERE a.agent_id = $1"), id))
	if err == pgx.ErrNoRows {
		return projections.AgentRow{}, false, nil
	}
	return a, err == nil, err
}

func scanAgent(row pgx.Row) (projections.AgentRow, error) {
	var raw []byte
	var open int64
	if err := row.Scan(&raw, &open); err != nil {
		return projections.AgentRow{}, err
	}
	var a projections.AgentRow
	if err := json.Unmarshal(raw, &a.AgentState); err != nil {
		return a, fmt.Errorf("postgres read model: a stored agent does not decode: %w", err)
	}
	a.OpenTickets = int(open)
	return a, nil
}

// RowVersion implements projections.Queries.
func (s *Store) RowVersion(ctx context.Context, name string, id uuid.UUID) (int64, error) {
	tables := tablesOf(name)
	if len(tables) == 0 {
		return 0, fmt.Errorf("%w: no projection is named %q", domain.ErrNotFound, name)
	}
	key := "ticket_id"
	if name == projections.Agents {
		key = "agent_id"
	}
	var v int64
	err := s.pool.QueryRow(ctx, "SELECT version FROM "+s.table(tables[0])+" WHERE "+key+" = $1", id).Scan(&v)
	if err == pgx.ErrNoRows {
		return -1, nil
	}
	return v, err
}
