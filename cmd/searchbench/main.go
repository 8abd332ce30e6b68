// Command searchbench measures a search backend: it indexes the deterministic corpus of
// projections/searchtest (n tickets, about 2.5 messages each) in batches, as a rebuild
// would, then runs a mix of rare and common queries and reports the indexing rate and
// the search latency quantiles. See docs/PERFORMANCE.md "Search" for its figures.
//
//	go run ./cmd/searchbench -backend bleve -tickets 100000
//	go run ./cmd/searchbench -backend postgres -tickets 100000 -dsn postgres://…
//	go run ./cmd/searchbench -backend bleve -tickets 100000 -similar-every 500
//	go run ./cmd/searchbench -backend postgres -schema bench100k -rounds 1 -similar-every 1000
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"time"

	"github.com/ticketengine/ticketengine/cmd/internal/tool"
	"github.com/ticketengine/ticketengine/projections"
	"github.com/ticketengine/ticketengine/projections/searchtest"
)

// common are filler words many messages hold, the expensive queries.
var common = []string{"订单", "order", "delivery", "登录", "商品 颜色", "the box"}

func main() {
	tool.Main("searchbench", func(ctx context.Context) error { return run(ctx, os.Args[1:], os.Stdout) })
}

type config struct {
	backend, dir, dsn string
	schema            string
	searchDSN         string // postgres: the dsn open connected the index with
	tickets, batch    int
	rounds, limit     int
	similarEvery      int
	explain           int
	quality           bool
	corpus            string
}

func run(ctx context.Context, args []string, out io.Writer) error {
	var c config
	fs := flag.NewFlagSet("searchbench", flag.ContinueOnError)
	fs.StringVar(&c.backend, "backend", "bleve", "bleve or postgres")
	fs.StringVar(&c.dir, "dir", "", "bleve: index directory (default: a temporary one, removed at the end)")
	fs.StringVar(&c.dsn, "dsn", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable", "postgres: database; a schema of its own is made and dropped")
	fs.StringVar(&c.schema, "schema", "", "postgres: keep the index in this schema (made when missing, never dropped) and reuse it when it already holds the corpus of -tickets and -batch")
	fs.StringVar(&c.corpus, "corpus", "search", "search (projections/searchtest's filler) or knowledge (projections/knowledgetest's tickets)")
	fs.IntVar(&c.tickets, "tickets", 100000, "tickets in the corpus")
	fs.IntVar(&c.batch, "batch", 2000, "messages per indexing batch")
	fs.IntVar(&c.rounds, "rounds", 20, "times each query runs")
	fs.IntVar(&c.limit, "limit", projections.DefaultSearchLimit, "hits per query")
	fs.IntVar(&c.similarEvery, "similar-every", 0, "also measure similar tickets, for every n-th message (0: not)")
	fs.IntVar(&c.explain, "explain", -1, "postgres, with -similar-every: also count the buffers and rows of every similar query by EXPLAIN (ANALYZE, BUFFERS), and print the plans of the first n (-1: not)")
	fs.BoolVar(&c.quality, "quality", false, "with -similar-every: also compare each similar answer with the exact ranking of PostgreSQL's score computed in memory over every message")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ix, cleanup, err := open(ctx, &c)
	if err != nil {
		return err
	}
	defer cleanup()
	if err := index(ctx, ix, c, out); err != nil {
		return err
	}
	if err := measure(ctx, ix, c, out); err != nil {
		return err
	}
	if c.similarEvery > 0 {
		return measureSimilar(ctx, ix, c, out)
	}
	return nil
}

func index(ctx context.Context, ix projections.SearchIndex, c config, out io.Writer) error {
	batches, err := corpusBatches(c)
	if err != nil {
		return err
	}
	if done, err := alreadyIndexed(ctx, ix, batches); err != nil || done {
		if done {
			fmt.Fprintf(out, "%s: the index already holds the corpus of %d tickets: indexing skipped\n", c.backend, c.tickets)
		}
		return err
	}
	docs := 0
	clock := c.clock()
	before, err := clock.now(ctx)
	if err != nil {
		return err
	}
	start := time.Now()
	for _, b := range batches {
		if err := ix.Apply(ctx, b); err != nil {
			return err
		}
		docs += len(b.Documents)
	}
	took := time.Since(start)
	fmt.Fprintf(out, "%s: indexed %d tickets (%d messages) in %d batches in %.1f s: %.0f messages/s, %.0f tickets/s\n",
		c.backend, c.tickets, docs, len(batches), took.Seconds(), float64(docs)/took.Seconds(), float64(c.tickets)/took.Seconds())
	after, err := clock.now(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "  indexing: CPU per 1,000 messages %.1f ms in searchbench, %.1f ms in PostgreSQL's backends\n",
		ms(after.self-before.self)*1000/float64(max(1, docs)), ms(after.server-before.server)*1000/float64(max(1, docs)))
	return nil
}

func measure(ctx context.Context, ix projections.SearchIndex, c config, out io.Writer) error {
	var queries []searchtest.Query
	queries = append(queries, searchtest.Queries...)
	for _, w := range common {
		queries = append(queries, searchtest.Query{Text: w, Internal: true})
	}
	var all, rare, frequent []time.Duration
	for round := 0; round < c.rounds; round++ {
		for i, q := range queries {
			start := time.Now()
			hits, err := ix.Search(ctx, projections.SearchQuery{Text: q.Text, IncludeInternal: q.Internal, Limit: c.limit})
			if err != nil {
				return err
			}
			d := time.Since(start)
			all = append(all, d)
			if i < len(searchtest.Queries) {
				rare = append(rare, d)
			} else {
				frequent = append(frequent, d)
				if round == 0 {
					fmt.Fprintf(out, "  %q: %d hits (limit %d)\n", q.Text, len(hits), c.limit)
				}
			}
		}
	}
	report(out, "all queries", all)
	report(out, "hand-written (rare words)", rare)
	report(out, "common words", frequent)
	return nil
}

func report(out io.Writer, name string, ds []time.Duration) {
	slices.Sort(ds)
	q := func(p float64) time.Duration { return ds[min(len(ds)-1, int(p*float64(len(ds))))] }
	fmt.Fprintf(out, "  %-26s n=%-5d p50 %6.2f ms  p99 %6.2f ms  max %6.2f ms\n", name, len(ds),
		ms(q(0.50)), ms(q(0.99)), ms(ds[len(ds)-1]))
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
