package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/ticketengine/ticketengine/adapters/search/pgsearch"
	"github.com/ticketengine/ticketengine/projections"
)

// measureSimilar runs the similar-ticket query of GET /tickets/{id}/similar (the index
// part: projections.SimilarTerms of a message, the window the service asks for 5
// tickets) for every step-th message of the corpus, and reports its latency quantiles.
func measureSimilar(ctx context.Context, ix projections.SearchIndex, c config, out io.Writer) error {
	si, ok := ix.(projections.SimilarIndex)
	if !ok {
		return fmt.Errorf("%s has no similar-ticket query", c.backend)
	}
	if a, ok := ix.(interface{ Analyze(context.Context) error }); ok {
		if err := a.Analyze(ctx); err != nil {
			return err
		}
	}
	batches, err := corpusBatches(c)
	if err != nil {
		return err
	}
	texts := similarTexts(c, batches)
	var docs []projections.SearchDocument
	for _, b := range batches {
		docs = append(docs, b.Documents...)
	}
	var ds []time.Duration
	hits := 0
	clock := c.clock()
	before, err := clock.now(ctx)
	if err != nil {
		return err
	}
	for _, text := range texts {
		start := time.Now()
		res, err := si.Similar(ctx, projections.SimilarQuery{Terms: projections.SimilarTerms(text), Limit: 40})
		if err != nil {
			return err
		}
		ds = append(ds, time.Since(start))
		hits += len(res)
	}
	fmt.Fprintf(out, "  similar: %d queries, %.1f tickets each on average\n", len(texts), float64(hits)/float64(max(1, len(texts))))
	report(out, "similar tickets (index)", ds)
	after, err := clock.now(ctx)
	if err != nil {
		return err
	}
	queries := float64(max(1, len(texts)))
	fmt.Fprintf(out, "  similar: CPU per query %.2f ms in searchbench, %.2f ms in PostgreSQL's backends\n",
		ms(after.self-before.self)/queries, ms(after.server-before.server)/queries)
	if c.quality {
		if err := measureQuality(ctx, si, docs, texts, out); err != nil {
			return err
		}
		if c.corpus == "knowledge" {
			if err := knowledgeTopics(ctx, si, out); err != nil {
				return err
			}
		}
	}
	if c.explain >= 0 {
		return explainSimilar(ctx, ix, texts, c.explain, out)
	}
	return nil
}

// explainSimilar counts what PostgreSQL does for each similar query (buffers, rows
// read), which, unlike the latency, does not depend on the load, and prints the plans
// of the first show queries.
func explainSimilar(ctx context.Context, ix projections.SearchIndex, texts []string, show int, out io.Writer) error {
	pg, ok := ix.(*pgsearch.Index)
	if !ok {
		return fmt.Errorf("-explain is for the postgres backend")
	}
	var buffers, rows []int64
	for i, text := range texts {
		cost, err := pg.ExplainSimilar(ctx, projections.SimilarQuery{Terms: projections.SimilarTerms(text), Limit: 40}, i < show)
		if err != nil {
			return err
		}
		buffers, rows = append(buffers, cost.Buffers), append(rows, cost.Rows)
		for _, p := range cost.Plans {
			fmt.Fprintf(out, "  plan of %q:\n%s\n", text, p)
		}
	}
	reportCount(out, "buffers per query", buffers)
	reportCount(out, "document rows per query", rows)
	return nil
}

func reportCount(out io.Writer, name string, ns []int64) {
	if len(ns) == 0 {
		return
	}
	slices.Sort(ns)
	var sum int64
	for _, n := range ns {
		sum += n
	}
	q := func(p float64) int64 { return ns[min(len(ns)-1, int(p*float64(len(ns))))] }
	fmt.Fprintf(out, "  %-26s n=%-5d mean %8.0f  p50 %8d  p99 %8d  max %8d\n", name, len(ns),
		float64(sum)/float64(len(ns)), q(0.50), q(0.99), ns[len(ns)-1])
}
