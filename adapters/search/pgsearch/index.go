// Package pgsearch is the search index in the PostgreSQL read-model database:
// projections.SearchIndex over the tables of migrations/readmodel/00005_search.sql,
// created by the read-model migrations. Each message is a row holding the tokens of
// projections/searchtext as a text[] with a GIN index; a query asks for the rows whose
// tokens contain all of its own, which the GIN index answers. Batches and their
// checkpoint are written in one transaction.
package pgsearch

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ticketengine/ticketengine/projections"
	"github.com/ticketengine/ticketengine/projections/searchtext"
)

var _ projections.SearchIndex = (*Index)(nil)

// sep joins a message's terms into one parameter, split again by string_to_array:
// terms never hold control characters, and one array per column keeps the insert one
// statement (PostgreSQL arrays cannot be ragged).
const sep = "\x1f"

// Index is the search index in the tables of the pool's search_path.
type Index struct {
	pool   *pgxpool.Pool
	bounds candidateBounds // of similar tickets' candidates (similar_sql.go)
}

// New returns the index over the migrated tables the pool reaches. The pool stays the
// caller's: Close does not close it.
func New(pool *pgxpool.Pool) *Index { return &Index{pool: pool, bounds: defaultBounds} }

// Close does nothing: the pool is the caller's.
func (x *Index) Close() error { return nil }

// Checkpoint is the position of the last batch applied.
func (x *Index) Checkpoint(ctx context.Context) (uint64, error) {
	return checkpoint(ctx, x.pool, "")
}

type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func checkpoint(ctx context.Context, q querier, lock string) (uint64, error) {
	var pos int64
	err := q.QueryRow(ctx, `SELECT position FROM rm_search_checkpoint `+lock).Scan(&pos)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("search checkpoint: %w", err)
	}
	return uint64(pos), nil
}

// Apply writes the batch's deletions, then its documents, then the term statistics
// they change (terms.go) and its checkpoint, in one transaction.
func (x *Index) Apply(ctx context.Context, b projections.SearchBatch) error {
	return pgx.BeginFunc(ctx, x.pool, func(tx pgx.Tx) error {
		pos, err := checkpoint(ctx, tx, "FOR UPDATE")
		if err != nil || (b.Position > 0 && b.Position <= pos) {
			return err
		}
		delta := &termDelta{}
		if len(b.DeleteTickets) > 0 {
			if err := deleteRows(ctx, tx, delta, `DELETE FROM rm_search_documents WHERE ticket_id = ANY($1::uuid[]) RETURNING terms`, b.DeleteTickets); err != nil {
				return fmt.Errorf("search delete tickets: %w", err)
			}
		}
		if len(b.DeleteMessage) > 0 {
			if err := deleteRows(ctx, tx, delta, `DELETE FROM rm_search_documents WHERE message_id = ANY($1) RETURNING terms`, b.DeleteMessage); err != nil {
				return fmt.Errorf("search delete messages: %w", err)
			}
		}
		if err := upsert(ctx, tx, delta, b.Documents); err != nil {
			return err
		}
		if err := delta.write(ctx, tx); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO rm_search_checkpoint (id, position, messages) VALUES (true, $1, $2)
			ON CONFLICT (id) DO UPDATE SET position = GREATEST(rm_search_checkpoint.position, EXCLUDED.position),
				messages = rm_search_checkpoint.messages + EXCLUDED.messages`, int64(b.Position), delta.messages)
		if err != nil {
			return fmt.Errorf("search checkpoint: %w", err)
		}
		return nil
	})
}

// deleteRows runs a DELETE … RETURNING terms and takes the rows it removed off the
// term statistics.
func deleteRows(ctx context.Context, tx pgx.Tx, delta *termDelta, sql string, arg any) error {
	rows, err := tx.Query(ctx, sql, arg)
	if err != nil {
		return err
	}
	gone, err := pgx.CollectRows(rows, pgx.RowTo[[]string])
	if err != nil {
		return err
	}
	for _, terms := range gone {
		delta.remove(terms)
	}
	return nil
}

// upsert writes documents in one statement; of two with one message id, the later wins.
// A message indexed before is deleted first, so that its old terms leave the statistics.
func upsert(ctx context.Context, tx pgx.Tx, delta *termDelta, docs []projections.SearchDocument) error {
	if len(docs) == 0 {
		return nil
	}
	last := make(map[string]int, len(docs))
	for i, d := range docs {
		last[d.MessageID] = i
	}
	n := len(last)
	ids, tickets, kinds, bodies, terms := make([]string, 0, n), make([]string, 0, n), make([]string, 0, n), make([]string, 0, n), make([]string, 0, n)
	internal, created := make([]bool, 0, n), make([]time.Time, 0, n)
	for i, d := range docs {
		if last[d.MessageID] != i {
			continue
		}
		ids, tickets, kinds = append(ids, d.MessageID), append(tickets, d.TicketID), append(kinds, d.Kind)
		internal, bodies, created = append(internal, d.Internal), append(bodies, d.Text), append(created, d.CreatedAt)
		ts := searchtext.Terms(d.Text) // distinct: each counts once per message
		delta.add(ts)
		terms = append(terms, strings.Join(ts, sep))
	}
	if err := deleteRows(ctx, tx, delta, `DELETE FROM rm_search_documents WHERE message_id = ANY($1) RETURNING terms`, ids); err != nil {
		return fmt.Errorf("search index %d messages: %w", n, err)
	}
	_, err := tx.Exec(ctx, `INSERT INTO rm_search_documents (message_id, ticket_id, kind, internal, body, created_at, terms)
		SELECT m, t::uuid, k, i, b, c, CASE WHEN s = '' THEN '{}'::text[] ELSE string_to_array(s, chr(31)) END
		FROM unnest($1::text[], $2::text[], $3::text[], $4::boolean[], $5::text[], $6::timestamptz[], $7::text[]) AS u(m, t, k, i, b, c, s)`,
		ids, tickets, kinds, internal, bodies, created, terms)
	if err != nil {
		return fmt.Errorf("search index %d messages: %w", n, err)
	}
	return nil
}

// Reset empties the index and its checkpoint.
func (x *Index) Reset(ctx context.Context) error {
	if _, err := x.pool.Exec(ctx, `TRUNCATE rm_search_documents, rm_search_checkpoint, rm_search_terms`); err != nil {
		return fmt.Errorf("search reset: %w", err)
	}
	return nil
}
