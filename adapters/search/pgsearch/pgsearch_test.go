package pgsearch_test

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ticketengine/ticketengine/adapters/postgrestest"
	"github.com/ticketengine/ticketengine/adapters/search/pgsearch"
	"github.com/ticketengine/ticketengine/migrations"
	"github.com/ticketengine/ticketengine/projections"
	"github.com/ticketengine/ticketengine/projections/searchtest"
)

// fresh migrates a new schema and returns a pool on it, closed when the test ends.
func fresh(t testing.TB) string {
	t.Helper()
	dsn := postgrestest.FreshSchema(t, "search")
	if err := migrations.ReadModelSet.Migrate(context.Background(), dsn); err != nil {
		t.Fatal(err)
	}
	return dsn
}

func open(t testing.TB, dsn string) *pgsearch.Index {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pgsearch.New(pool)
}

func TestConformance(t *testing.T) {
	searchtest.Run(t, func(t *testing.T) searchtest.Opener {
		dsn := fresh(t)
		return func(t *testing.T) projections.SearchIndex { return open(t, dsn) }
	})
}

// TestSearchUsesTheIndex: the plan of Search's query over the 1,000-ticket corpus
// (about 2,500 messages), with the planner's statistics up to date and sequential scans
// allowed (no enable_seqscan = off), reads the rows through the GIN index of the terms.
// It holds because the index has no pending list (fastupdate = off, 00005_search.sql):
// with one, the planner prices the index above a sequential scan of 25,000 rows.
func TestSearchUsesTheIndex(t *testing.T) {
	dsn := fresh(t)
	searchtest.Apply(t, open(t, dsn), searchtest.Final(searchtest.Size, 500))
	pool, err := pgxpool.New(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	ctx := context.Background()
	if _, err := pool.Exec(ctx, "ANALYZE rm_search_documents"); err != nil {
		t.Fatal(err)
	}
	for _, terms := range [][]string{{"发票"}, {"invoic"}, {"tk-7f3k9q"}, {"password", "reset"}} {
		rows, err := pool.Query(ctx, "EXPLAIN "+pgsearch.SearchSQL, terms, true, 50)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var line string
			if err := rows.Scan(&line); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, line)
		}
		rows.Close()
		text := strings.Join(plan, "\n")
		if !strings.Contains(text, "rm_search_documents_terms") || strings.Contains(text, "Seq Scan") {
			t.Errorf("terms %q: plan does not use the terms index:\n%s", terms, text)
		}
	}
}
