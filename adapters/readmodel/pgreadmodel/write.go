package pgreadmodel

import (
	"context"
	"fmt"
	"reflect"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/ticketengine/ticketengine/projections"
)

// Commit implements projections.Writer: every batch's rows and checkpoint in one
// transaction, so a redelivery after a crash finds rows and checkpoint agreeing. A live
// commit (no IntoEmpty batch) is one round trip: its statements are pipelined
// (pgx.Batch) in the implicit transaction of one Sync, with the checkpoints in one
// statement; a rebuild's first commit into empty tables uses COPY in an explicit
// transaction. Every statement is derived from the projection's table description.
func (s *Store) Commit(ctx context.Context, batches []projections.Batch) error {
	for _, b := range batches {
		if _, ok := projections.Lookup(b.Projection); !ok {
			return fmt.Errorf("postgres read model: commit %s: no projection is named %q", b.Projection, b.Projection)
		}
	}
	for _, b := range batches {
		if b.IntoEmpty {
			enc := rowJSON{}
			return unstorable(pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
				for _, b := range batches {
					if err := s.commitInTx(ctx, tx, b, enc); err != nil {
						return fmt.Errorf("postgres read model: commit %s: %w", b.Projection, err)
					}
				}
				return nil
			}))
		}
	}
	var q pgx.Batch
	names, positions := make([]string, 0, len(batches)), make([]int64, 0, len(batches))
	enc := rowJSON{}
	for _, b := range batches {
		for _, p := range partsOf(b) {
			if c := columnsOf(p.table, p.rows, enc); c.rows > 0 {
				q.Queue(s.writeSQL(p.table, c), c.vals...)
			}
		}
		if len(b.Failures) > 0 {
			q.Queue(s.failuresSQL(), failureColumns(b.Failures).vals...)
		}
		names, positions = append(names, b.Projection), append(positions, int64(b.Position))
	}
	if len(names) == 0 {
		return nil
	}
	q.Queue("INSERT INTO "+s.table("readmodel_checkpoints")+` AS c (projection, position, updated_at)
		SELECT u.projection, u.position, now() FROM unnest($1::text[], $2::bigint[]) AS u(projection, position)
		ON CONFLICT (projection) DO UPDATE
		SET position = GREATEST(c.position, EXCLUDED.position), updated_at = now()`, names, positions)
	if err := s.pool.SendBatch(ctx, &q).Close(); err != nil {
		return unstorable(fmt.Errorf("postgres read model: commit: %w", err))
	}
	return nil
}

// part is a batch's rows of one table.
type part struct {
	table *projections.Table
	rows  []projections.Row
}

// partsOf splits a batch (of a projection in the catalogue) by table: its rows, and
// the rows it appended.
func partsOf(b projections.Batch) []part {
	def, _ := projections.Lookup(b.Projection)
	parts := []part{{def.Table(), b.Rows}}
	if a, ok := def.(projections.Appender); ok {
		parts = append(parts, part{a.AppendTable(), b.Appended})
	}
	return parts
}

// commitInTx writes a batch and its checkpoint inside tx, with COPY into tables an
// IntoEmpty batch's rows cannot exist in yet.
func (s *Store) commitInTx(ctx context.Context, tx pgx.Tx, b projections.Batch, enc rowJSON) error {
	for _, p := range partsOf(b) {
		c := columnsOf(p.table, p.rows, enc)
		if c.rows == 0 {
			continue
		}
		var err error
		if b.IntoEmpty {
			err = s.copyIn(ctx, tx, p.table.Name, c)
		} else {
			_, err = tx.Exec(ctx, s.writeSQL(p.table, c), c.vals...)
		}
		if err != nil {
			return err
		}
	}
	if len(b.Failures) > 0 {
		if _, err := tx.Exec(ctx, s.failuresSQL(), failureColumns(b.Failures).vals...); err != nil {
			return err
		}
	}
	_, err := tx.Exec(ctx, "INSERT INTO "+s.table("readmodel_checkpoints")+` (projection, position, updated_at)
		VALUES ($1, $2, now()) ON CONFLICT (projection) DO UPDATE
		SET position = GREATEST(readmodel_checkpoints.position, EXCLUDED.position), updated_at = now()`,
		b.Projection, int64(b.Position))
	return err
}

// writeSQL is the statement that writes rows into table t with one INSERT … SELECT FROM
// unnest(…): a row already there is replaced only by a newer version of it (several
// processes may project into the same tables, one relay each, over JetStream, and the
// slower must not set a row back), or, in an append-only table, left as is.
func (s *Store) writeSQL(t *projections.Table, c columns) string {
	params, selects, sets := make([]string, len(c.names)), make([]string, len(c.names)), []string{}
	for i, n := range c.names {
		params[i] = fmt.Sprintf("$%d::%s[]", i+1, c.types[i])
		selects[i] = "u." + n
		if c.casts[i] != "" {
			selects[i] += "::" + c.casts[i]
		}
		if !contains(t.Key, n) {
			sets = append(sets, n+" = EXCLUDED."+n)
		}
	}
	conflict := "DO NOTHING"
	if !t.AppendOnly {
		conflict = "DO UPDATE SET " + strings.Join(sets, ", ") + " WHERE t.version < EXCLUDED.version"
	}
	return fmt.Sprintf("INSERT INTO %s AS t (%s) SELECT %s FROM unnest(%s) AS u(%s) ON CONFLICT (%s) %s",
		s.table(t.Name), strings.Join(c.names, ", "), strings.Join(selects, ", "), strings.Join(params, ", "),
		strings.Join(c.names, ", "), strings.Join(t.Key, ", "), conflict)
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// copyIn writes rows that cannot exist yet with COPY (binary): the fast path of a
// rebuild's single commit into empty tables.
func (s *Store) copyIn(ctx context.Context, tx pgx.Tx, table string, c columns) error {
	cols := make([]reflect.Value, len(c.vals))
	for i, v := range c.vals {
		if alt, ok := c.copyVals[i]; ok {
			v = alt
		}
		cols[i] = reflect.ValueOf(v)
	}
	rows := make([][]any, c.rows)
	for r := range rows {
		row := make([]any, len(cols))
		for i, col := range cols {
			row[i] = col.Index(r).Interface()
		}
		rows[r] = row
	}
	_, err := tx.CopyFrom(ctx, pgx.Identifier{s.schema, table}, c.names, pgx.CopyFromRows(rows))
	return err
}
