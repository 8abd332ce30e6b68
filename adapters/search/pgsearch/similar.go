package pgsearch

import (
	"context"
	"fmt"
	"math"
	"sort"

	"github.com/jackc/pgx/v5"

	"github.com/ticketengine/ticketengine/projections"
)

var _ projections.SimilarIndex = (*Index)(nil)

// Similar finds the tickets whose public messages share the most of the terms, rare
// terms weighing more: weight ln(messages / messages holding the term), from the term
// statistics the writer keeps (rm_search_terms). Each ticket counts by its best message.
func (x *Index) Similar(ctx context.Context, q projections.SimilarQuery) ([]projections.SearchHit, error) {
	return x.similar(ctx, q, x.queryIndexed)
}

// queryFunc runs one statement: queryIndexed, or the same under EXPLAIN (explain.go).
type queryFunc func(ctx context.Context, sql string, args ...any) ([]projections.SearchHit, error)

func (x *Index) similar(ctx context.Context, q projections.SimilarQuery, query queryFunc) ([]projections.SearchHit, error) {
	if len(q.Terms) == 0 || q.Limit <= 0 {
		return nil, nil
	}
	held, err := x.termCounts(ctx, q.Terms)
	if err != nil || len(held) == 0 {
		return nil, err
	}
	sql, args := similarStatement(held, q.Limit, x.bounds)
	return query(ctx, sql, args...)
}

// heldTerm is a query term some message holds: how many do, and its weight.
type heldTerm struct {
	term     string
	messages int64
	weight   float64
}

// termCountsSQL reads the term statistics of the query terms ($1) and the messages
// indexed.
const termCountsSQL = `SELECT s.term, s.messages, c.messages FROM rm_search_terms s CROSS JOIN rm_search_checkpoint c
	WHERE s.term = ANY($1::text[]) AND s.messages > 0`

// termCounts are the query terms some message holds, rarest first (in the query's order
// among equals), weighed.
func (x *Index) termCounts(ctx context.Context, terms []string) ([]heldTerm, error) {
	rows, err := x.pool.Query(ctx, termCountsSQL, terms)
	if err != nil {
		return nil, fmt.Errorf("similar tickets: term statistics: %w", err)
	}
	counts := map[string]int64{}
	var total int64
	for rows.Next() {
		var t string
		var n int64
		if err := rows.Scan(&t, &n, &total); err != nil {
			return nil, fmt.Errorf("similar tickets: term statistics: %w", err)
		}
		counts[t] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("similar tickets: term statistics: %w", err)
	}
	var held []heldTerm
	for _, t := range terms {
		if n, ok := counts[t]; ok {
			held = append(held, heldTerm{term: t, messages: n, weight: math.Log(float64(max(total, n)) / float64(n))})
			delete(counts, t) // a term asked twice counts once
		}
	}
	sort.SliceStable(held, func(a, b int) bool { return held[a].messages < held[b].messages })
	return held, nil
}

// queryIndexed runs the statement with sequential scans off, in a transaction of its
// own sent in one round trip: a capped read (LIMIT) of a term PostgreSQL's sampled
// statistics call common may otherwise be planned as a sequential scan stopping after
// its first rows, which reads the whole table when the term's messages are all at its
// end (new words are). With the scans off, the plan does not depend on the values, so
// the prepared statement's generic plan is used from the first run: planning the
// statement's dozen tiers each time cost a fifth of its CPU.
func (x *Index) queryIndexed(ctx context.Context, sql string, args ...any) ([]projections.SearchHit, error) {
	var hits []projections.SearchHit
	err := x.withoutSeqScan(ctx, sql, args, func(rows pgx.Rows) error {
		var err error
		hits, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (projections.SearchHit, error) {
			var h projections.SearchHit
			err := r.Scan(&h.TicketID, &h.Score)
			return h, err
		})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("similar tickets: %w", err)
	}
	return hits, nil
}

func (x *Index) withoutSeqScan(ctx context.Context, sql string, args []any, read func(pgx.Rows) error) error {
	b := &pgx.Batch{}
	b.Queue("BEGIN READ ONLY")
	b.Queue("SET LOCAL enable_seqscan = off")
	b.Queue("SET LOCAL plan_cache_mode = force_generic_plan")
	b.Queue(sql, args...).Query(read)
	b.Queue("COMMIT")
	return x.pool.SendBatch(ctx, b).Close()
}

// Analyze refreshes PostgreSQL's statistics of the search table, which plan the
// queries (the weights of similar tickets come from rm_search_terms, always exact):
// autovacuum does it as the table grows; a rebuild or a benchmark that has just filled
// the table calls it rather than wait.
func (x *Index) Analyze(ctx context.Context) error {
	_, err := x.pool.Exec(ctx, "ANALYZE rm_search_documents")
	return err
}
