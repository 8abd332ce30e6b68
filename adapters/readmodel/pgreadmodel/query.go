package pgreadmodel

import (
	"context"
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
	t := table(projections.Queues)
	q := "SELECT " + selectRows(t, "") + " FROM " + s.table(t.Name) + ` WHERE is_open
		AND ($1 = '' OR status = $1) AND ($2 = '' OR team = $2)
		AND ($3::uuid IS NULL OR assignee_id = $3) AND ($4 = '' OR priority = $4)
		AND ($5 = '' OR category = $5) AND ($6 = '' OR tags @> ARRAY[$6]::text[])`
	rows, err := s.pool.Query(ctx, q, string(f.Status), f.Team, uuidOrNull(f.Assignee), string(f.Priority), f.Category, f.Tag)
	if err != nil {
		return nil, fmt.Errorf("postgres read model: queue: %w", err)
	}
	got, err := readRows(rows, t)
	return rowsAs[domain.TicketState](got), err
}

// storable reports whether every text of the filter could be stored: one holding a NUL
// or invalid UTF-8 matches no row (the stored text was made clean, sanitise.go), and
// PostgreSQL would refuse it as a parameter (a server error for a client's input).
func storable(f projections.QueueFilter) bool {
	return isClean(string(f.Status)) && isClean(f.Team) && isClean(string(f.Priority)) && isClean(f.Category) && isClean(f.Tag)
}

// table is projection name's table description (name is in the catalogue).
func table(name string) *projections.Table {
	def, _ := projections.Lookup(name)
	return def.Table()
}

// KPIFacts implements projections.Queries.
func (s *Store) KPIFacts(ctx context.Context, from, to time.Time) ([]projections.KPIFact, error) {
	t := table(projections.KPI)
	rows, err := s.pool.Query(ctx, "SELECT "+selectRows(t, "")+" FROM "+s.table(t.Name)+
		" WHERE received_at >= $1 AND received_at < $2 ORDER BY ticket_id", from, to)
	if err != nil {
		return nil, fmt.Errorf("postgres read model: kpi facts: %w", err)
	}
	got, err := readRows(rows, t)
	return rowsAs[projections.KPIFact](got), err
}

// PortalTicket implements projections.Queries.
func (s *Store) PortalTicket(ctx context.Context, id uuid.UUID) (domain.TicketState, []projections.PortalEntry, bool, error) {
	def, _ := projections.Lookup(projections.Portal)
	t, tl := def.Table(), def.(projections.Appender).AppendTable()
	rows, err := s.pool.Query(ctx, "SELECT "+selectRows(t, "")+" FROM "+s.table(t.Name)+" WHERE ticket_id = $1", id)
	if err != nil {
		return domain.TicketState{}, nil, false, fmt.Errorf("postgres read model: portal: %w", err)
	}
	got, err := readRows(rows, t)
	if err != nil || len(got) == 0 {
		return domain.TicketState{}, nil, false, err
	}
	rows, err = s.pool.Query(ctx, "SELECT "+selectRows(tl, "")+" FROM "+s.table(tl.Name)+" WHERE ticket_id = $1 ORDER BY version", id)
	if err != nil {
		return domain.TicketState{}, nil, false, fmt.Errorf("postgres read model: timeline: %w", err)
	}
	entries, err := readRows(rows, tl)
	return *got[0].(*domain.TicketState), rowsAs[projections.PortalEntry](entries), true, err
}

// agentsQuery counts each agent's open tickets from the queue projection.
func (s *Store) agentsQuery(where string) string {
	t := table(projections.Agents)
	return "SELECT " + selectRows(t, "a") + ", (SELECT count(*) FROM " + s.table(table(projections.Queues).Name) +
		" q WHERE q.is_open AND q.assignee_id = a.agent_id) FROM " + s.table(t.Name) + " a " + where
}

// Agents implements projections.Queries, ordered by name (byte order) then id.
func (s *Store) Agents(ctx context.Context) ([]projections.AgentRow, error) {
	rows, err := s.pool.Query(ctx, s.agentsQuery(`ORDER BY a.name COLLATE "C", a.agent_id`))
	if err != nil {
		return nil, fmt.Errorf("postgres read model: agents: %w", err)
	}
	return agentRows(rows)
}

// Agent implements projections.Queries.
func (s *Store) Agent(ctx context.Context, id uuid.UUID) (projections.AgentRow, bool, error) {
	rows, err := s.pool.Query(ctx, s.agentsQuery("WHERE a.agent_id = $1"), id)
	if err != nil {
		return projections.AgentRow{}, false, fmt.Errorf("postgres read model: agent: %w", err)
	}
	out, err := agentRows(rows)
	if err != nil || len(out) == 0 {
		return projections.AgentRow{}, false, err
	}
	return out[0], true, nil
}

// agentRows reads agents with their open tickets counted.
func agentRows(rows pgx.Rows) ([]projections.AgentRow, error) {
	out := []projections.AgentRow{}
	var open int64
	err := eachRow(rows, table(projections.Agents), []any{&open}, func(r projections.Row) {
		out = append(out, projections.AgentRow{AgentState: *r.(*domain.AgentState), OpenTickets: int(open)})
	})
	return out, err
}
