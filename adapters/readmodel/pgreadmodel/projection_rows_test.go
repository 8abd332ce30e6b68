package pgreadmodel_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ticketengine/ticketengine/adapters/eventstore/memstore"
	"github.com/ticketengine/ticketengine/adapters/postgrestest"
	"github.com/ticketengine/ticketengine/projections"
	"github.com/ticketengine/ticketengine/projections/readmodeltest"
)

// BenchmarkProjectionRows counts the rows each read-model table of PostgreSQL has
// inserted, updated and deleted while an engine over the whole catalogue followed the
// cost history (readmodeltest.CostWorld, 2,000 steps of customers' lives) as the live path does:
// runs of 100 records, a commit after each. Counts, read from pg_stat_user_tables once
// the store's connections have ended (a backend reports its counts when it exits), do
// not depend on the machine's load. Reported: rows written per record, in all and by
// each projection issue 19 added; the log lists every table.
func BenchmarkProjectionRows(b *testing.B) {
	ctx := context.Background()
	w := readmodeltest.CostWorld(b, memstore.New(), func(tb testing.TB) projections.Store {
		s, _ := newStore(tb)
		return s
	}, 2000)
	recs := w.All(b)
	var last map[string]int64
	for b.Loop() {
		store, pool := newStore(b)
		var schema string
		if err := pool.QueryRow(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
			b.Fatal(err)
		}
		conn := postgrestest.Connect(b)
		b.Cleanup(func() { _ = conn.Close(context.Background()) })
		before := settledRowCounts(b, conn, schema)
		e, err := projections.NewEngine(ctx, store)
		if err != nil {
			b.Fatal(err)
		}
		e.MaxPending = 100
		var prev uint64
		for i := 0; i < len(recs); i += 100 {
			run := recs[i:min(i+100, len(recs))]
			if err := e.FollowBatch(ctx, w.Events, run, prev); err != nil {
				b.Fatal(err)
			}
			prev = run[len(run)-1].Position
		}
		if err := e.Flush(ctx); err != nil {
			b.Fatal(err)
		}
		pool.Close() // its backends end and report their counts
		after := settledRowCounts(b, conn, schema)
		last = map[string]int64{}
		for t, n := range after {
			if d := n - before[t]; d != 0 {
				last[t] = d
			}
		}
	}
	total := int64(0)
	tables := make([]string, 0, len(last))
	for t, n := range last {
		total += n
		tables = append(tables, t)
	}
	sort.Strings(tables)
	var log strings.Builder
	fmt.Fprintf(&log, "%d records; rows written (inserted+updated+deleted) per table:\n", len(recs))
	for _, t := range tables {
		fmt.Fprintf(&log, "  %-36s %7d  %.3f/record\n", t, last[t], float64(last[t])/float64(len(recs)))
	}
	b.Log(log.String())
	b.ReportMetric(float64(total)/float64(len(recs)), "rows/record")
	for _, name := range readmodeltest.NewProjections {
		p, _ := projections.Lookup(name)
		n := last[p.Table().Name]
		if a, ok := p.(projections.Appender); ok {
			n += last[a.AppendTable().Name]
		}
		if n == 0 {
			b.Errorf("%s wrote no rows of %s", name, p.Table().Name)
		}
		b.ReportMetric(float64(n)/float64(len(recs)), name+"-rows/record")
	}
}

// settledRowCounts reads inserted+updated+deleted rows of every table of schema once two
// reads 200 ms apart agree (ended backends report within milliseconds).
func settledRowCounts(b *testing.B, conn *pgx.Conn, schema string) map[string]int64 {
	ctx := context.Background()
	read := func() map[string]int64 {
		// A snapshot of the statistics lasts a transaction: each read starts afresh.
		if _, err := conn.Exec(ctx, "SELECT pg_stat_clear_snapshot()"); err != nil {
			b.Fatal(err)
		}
		rows, err := conn.Query(ctx, `SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_user_tables WHERE schemaname = $1`, schema)
		if err != nil {
			b.Fatal(err)
		}
		out := map[string]int64{}
		for rows.Next() {
			var t string
			var n int64
			if err := rows.Scan(&t, &n); err != nil {
				b.Fatal(err)
			}
			out[t] = n
		}
		if err := rows.Err(); err != nil {
			b.Fatal(err)
		}
		return out
	}
	prev := read()
	for range 50 {
		time.Sleep(200 * time.Millisecond)
		cur := read()
		if fmt.Sprint(cur) == fmt.Sprint(prev) {
			return cur
		}
		prev = cur
	}
	b.Fatal("the statistics of the store's tables did not settle in 10 s")
	return nil
}
