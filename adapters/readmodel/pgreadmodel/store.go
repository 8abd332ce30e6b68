// Package pgreadmodel is the PostgreSQL read-model store: the projections' rows in plain,
// documented tables (docs/READMODELS.md) that analysts may query, written in one
// transaction with the projection's checkpoint. Rows are upserted many at once
// (INSERT … SELECT FROM unnest(arrays) ON CONFLICT), so a rebuild writes each ticket once
// per batch, not once per event.
package pgreadmodel

import (
	"context"
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

// tablesOf names projection name's tables (nil for no projection): its own, and that
// of the rows it appends.
func tablesOf(name string) []string {
	def, ok := projections.Lookup(name)
	if !ok {
		return nil
	}
	tables := []string{def.Table().Name}
	if a, ok := def.(projections.Appender); ok {
		tables = append(tables, a.AppendTable().Name)
	}
	return tables
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

// Load implements projections.Writer: the rows read back as the table describes
// (the snapshots kept beside the plain columns).
func (s *Store) Load(ctx context.Context, name string, ids []uuid.UUID) (projections.Batch, error) {
	b := projections.Batch{Projection: name}
	def, ok := projections.Lookup(name)
	if !ok {
		return b, fmt.Errorf("postgres read model: no projection is named %q", name)
	}
	t := def.Table()
	res, err := s.pool.Query(ctx, "SELECT "+selectRows(t, "")+" FROM "+s.table(t.Name)+" WHERE "+t.Key[0]+" = ANY($1)", ids)
	if err != nil {
		return b, fmt.Errorf("postgres read model: load %s: %w", name, err)
	}
	b.Rows, err = readRows(res, t)
	return b, err
}

// Rows implements projections.Queries.
func (s *Store) Rows(ctx context.Context, name string) ([]projections.Row, error) {
	def, ok := projections.Lookup(name)
	if !ok {
		return nil, fmt.Errorf("%w: no projection is named %q", domain.ErrNotFound, name)
	}
	t := def.Table()
	res, err := s.pool.Query(ctx, "SELECT "+selectRows(t, "")+" FROM "+s.table(t.Name)+" ORDER BY "+t.Key[0])
	if err != nil {
		return nil, fmt.Errorf("postgres read model: rows of %s: %w", name, err)
	}
	return readRows(res, t)
}

// RowVersion implements projections.Queries.
func (s *Store) RowVersion(ctx context.Context, name string, id uuid.UUID) (int64, error) {
	def, ok := projections.Lookup(name)
	if !ok {
		return 0, fmt.Errorf("%w: no projection is named %q", domain.ErrNotFound, name)
	}
	t := def.Table()
	var v int64
	err := s.pool.QueryRow(ctx, "SELECT version FROM "+s.table(t.Name)+" WHERE "+t.Key[0]+" = $1", id).Scan(&v)
	if err == pgx.ErrNoRows {
		return -1, nil
	}
	return v, err
}
