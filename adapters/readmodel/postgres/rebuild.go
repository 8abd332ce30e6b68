package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/ticketengine/ticketengine/projections"
)

// Fresh implements projections.Store: a rebuild writes into copies of the projection's
// tables (LIKE … INCLUDING ALL: same columns, keys and indexes) in a new schema named
// after the live one, "<schema>_rb_<projection>_<random>", with a projection_failures
// table of its own.
func (s *Store) Fresh(ctx context.Context, name string) (projections.Writer, error) {
	tables := tablesOf(name)
	if len(tables) == 0 {
		return nil, fmt.Errorf("postgres read model: no projection is named %q", name)
	}
	var b [4]byte
	_, _ = rand.Read(b[:])
	fresh := &Store{pool: s.pool, schema: s.schema + "_rb_" + name + "_" + hex.EncodeToString(b[:])}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "CREATE SCHEMA "+pgx.Identifier{fresh.schema}.Sanitize()); err != nil {
			return err
		}
		for _, t := range append([]string{"readmodel_checkpoints", "projection_failures"}, tables...) {
			if _, err := tx.Exec(ctx, "CREATE TABLE "+fresh.table(t)+" (LIKE "+s.table(t)+" INCLUDING ALL)"); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("postgres read model: fresh tables for %s: %w", name, err)
	}
	return fresh, nil
}

// Swap implements projections.Store: in one transaction the live tables are dropped, the
// rebuilt ones moved into the live schema, the checkpoint copied, and the rebuild schema
// dropped. Readers wait on the table locks for the moment it takes, and then see the
// rebuilt rows.
func (s *Store) Swap(ctx context.Context, name string, fresh projections.Writer) error {
	f, ok := fresh.(*Store)
	if !ok || f.schema == s.schema {
		return fmt.Errorf("postgres read model: cannot swap in %T", fresh)
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		for _, t := range tablesOf(name) {
			if _, err := tx.Exec(ctx, "DROP TABLE "+s.table(t)); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, "ALTER TABLE "+f.table(t)+" SET SCHEMA "+pgx.Identifier{s.schema}.Sanitize()); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, "INSERT INTO "+s.table("readmodel_checkpoints")+` (projection, position, updated_at)
			SELECT projection, position, now() FROM `+f.table("readmodel_checkpoints")+` WHERE projection = $1
			ON CONFLICT (projection) DO UPDATE SET position = EXCLUDED.position, updated_at = now()`, name); err != nil {
			return err
		}
		// The rebuild met every record again: its failures are the projection's now.
		if _, err := tx.Exec(ctx, "DELETE FROM "+s.table("projection_failures")+" WHERE projection = $1", name); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "INSERT INTO "+s.table("projection_failures")+" SELECT * FROM "+
			f.table("projection_failures")+" WHERE projection = $1", name); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, "DROP SCHEMA "+pgx.Identifier{f.schema}.Sanitize()+" CASCADE")
		return err
	})
	if err != nil {
		return fmt.Errorf("postgres read model: swap %s: %w", name, err)
	}
	return nil
}
