// Package postgres is the PostgreSQL read-model store: the projections' rows in plain,
// documented tables (docs/READMODELS.md) that analysts may query, written in one
// transaction with the projection's checkpoint. Rows are upserted many at once
// (INSERT … SELECT FROM unnest(arrays) ON CONFLICT), so a rebuild writes each ticket once
// per batch, not once per event.
package postgres

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections"
)

// Store is a read-model store in one PostgreSQL schema.
type Store struct {
	pool   *pgxpool.Pool
	schema string // unquoted name
}

var _ projections.Store = (*Store)(nil)

// New returns the store over the migrated tables of the pool's current schema (the first
// of its search_path). Run Migrate first.
func New(ctx context.Context, pool *pgxpool.Pool) (*Store, error) {
	var schema string
	if err := pool.QueryRow(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
		return nil, fmt.Errorf("postgres read model: %w", err)
	}
	return &Store{pool: pool, schema: schema}, nil
}

// table is a table's qualified, quoted name.
func (s *Store) table(name string) string {
	return pgx.Identifier{s.schema, name}.Sanitize()
}

// tablesOf names each projection's tables.
func tablesOf(name string) []string {
	switch name {
	case projections.Queues:
		return []string{"rm_queue_tickets"}
	case projections.Portal:
		return []string{"rm_portal_tickets", "rm_portal_timeline"}
	case projections.KPI:
		return []string{"rm_kpi_tickets"}
	case projections.Agents:
		return []string{"rm_agents"}
	}
	return nil
}

// Checkpoint implements projections.Writer.
func (s *Store) Checkpoint(ctx context.Context, name string) (uint64, error) {
	var pos int64
	err := s.pool.QueryRow(ctx, "SELECT position FROM "+s.table("readmodel_checkpoints")+" WHERE projection = $1", name).Scan(&pos)
	if err == pgx.ErrNoRows {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("postgres read model: checkpoint %s: %w", name, err)
	}
	return uint64(pos), nil
}

// Load implements projections.Writer from the snapshots kept beside the plain columns.
func (s *Store) Load(ctx context.Context, name string, ids []uuid.UUID) (projections.Batch, error) {
	b := projections.Batch{Projection: name}
	var q string
	switch name {
	case projections.Queues:
		q = "SELECT state FROM " + s.table("rm_queue_tickets") + " WHERE ticket_id = ANY($1)"
	case projections.Portal:
		q = "SELECT state FROM " + s.table("rm_portal_tickets") + " WHERE ticket_id = ANY($1)"
	case projections.KPI:
		q = "SELECT fact FROM " + s.table("rm_kpi_tickets") + " WHERE ticket_id = ANY($1)"
	case projections.Agents:
		q = "SELECT state FROM " + s.table("rm_agents") + " WHERE agent_id = ANY($1)"
	default:
		return b, fmt.Errorf("postgres read model: no projection is named %q", name)
	}
	rows, err := s.pool.Query(ctx, q, ids)
	if err != nil {
		return b, fmt.Errorf("postgres read model: load %s: %w", name, err)
	}
	defer rows.Close()
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

// addJSON decodes a stored snapshot into the batch's rows of the projection's kind.
func addJSON(b *projections.Batch, name string, raw []byte) error {
	var err error
	switch name {
	case projections.KPI:
		var f projections.KPIFact
		err = json.Unmarshal(raw, &f)
		b.Facts = append(b.Facts, f)
	case projections.Agents:
		var a domain.AgentState
		err = json.Unmarshal(raw, &a)
		b.Agents = append(b.Agents, a)
	default:
		var st domain.TicketState
		err = json.Unmarshal(raw, &st)
		b.Tickets = append(b.Tickets, st)
	}
	if err != nil {
		return fmt.Errorf("postgres read model: a stored %s row does not decode: %w", name, err)
	}
	return nil
}
