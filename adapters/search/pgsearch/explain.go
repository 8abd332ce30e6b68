package pgsearch

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/ticketengine/ticketengine/projections"
)

// SimilarCost is what PostgreSQL did for one similar-ticket query, from EXPLAIN
// (ANALYZE, BUFFERS): unlike a latency, it does not depend on the machine's load.
type SimilarCost struct {
	Buffers int64    // shared buffers hit or read by the query's statements
	Rows    int64    // rows the plans' scans of rm_search_documents returned
	Plans   []string // the plans as text, when asked for
}

// ExplainSimilar runs q's statements as Similar does under EXPLAIN (ANALYZE,
// BUFFERS), and returns what they cost; cmd/searchbench -explain reports it. With
// text, the plan of the scoring statement is kept too.
func (x *Index) ExplainSimilar(ctx context.Context, q projections.SimilarQuery, text bool) (SimilarCost, error) {
	var cost SimilarCost
	add := func(raw []byte) error {
		var plans []struct{ Plan planNode }
		if err := json.Unmarshal(raw, &plans); err != nil {
			return fmt.Errorf("explain: %w", err)
		}
		for _, p := range plans {
			cost.Buffers += p.Plan.SharedHit + p.Plan.SharedRead
			cost.Rows += p.Plan.documentRows()
		}
		return nil
	}
	if len(q.Terms) > 0 {
		var raw []byte
		if err := x.pool.QueryRow(ctx, "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) "+termCountsSQL, q.Terms).Scan(&raw); err != nil {
			return cost, fmt.Errorf("explain: %w", err)
		}
		if err := add(raw); err != nil {
			return cost, err
		}
	}
	explain := func(ctx context.Context, sql string, args ...any) ([]projections.SearchHit, error) {
		var raw []byte
		err := x.withoutSeqScan(ctx, "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) "+sql, args, func(rows pgx.Rows) error {
			var err error
			raw, err = pgx.CollectOneRow(rows, pgx.RowTo[[]byte])
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("explain: %w", err)
		}
		if err := add(raw); err != nil {
			return nil, err
		}
		if text {
			err := x.withoutSeqScan(ctx, "EXPLAIN (ANALYZE, BUFFERS) "+sql, args, func(rows pgx.Rows) error {
				lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
				cost.Plans = append(cost.Plans, strings.Join(lines, "\n"))
				return err
			})
			if err != nil {
				return nil, fmt.Errorf("explain: %w", err)
			}
		}
		return nil, nil
	}
	_, err := x.similar(ctx, q, explain)
	return cost, err
}

// planNode is one node of EXPLAIN's JSON plan: buffers count its children's too, rows
// are per loop.
type planNode struct {
	Relation   string     `json:"Relation Name"`
	Rows       float64    `json:"Actual Rows"`
	Loops      float64    `json:"Actual Loops"`
	SharedHit  int64      `json:"Shared Hit Blocks"`
	SharedRead int64      `json:"Shared Read Blocks"`
	Plans      []planNode `json:"Plans"`
}

// documentRows are the rows the plan's scans of rm_search_documents returned.
func (n planNode) documentRows() int64 {
	var r int64
	if n.Relation == "rm_search_documents" {
		r = int64(n.Rows * n.Loops)
	}
	for _, c := range n.Plans {
		r += c.documentRows()
	}
	return r
}
