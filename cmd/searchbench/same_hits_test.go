package main

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ticketengine/ticketengine/adapters/postgrestest"
	"github.com/ticketengine/ticketengine/adapters/readmodel/pgreadmodel"
	"github.com/ticketengine/ticketengine/adapters/search/bleve"
	"github.com/ticketengine/ticketengine/adapters/search/pgsearch"
	"github.com/ticketengine/ticketengine/projections/searchtest"
)

// TestBackendsFindTheSame: beyond the hand-written queries each backend's suite checks,
// both backends, fed the same live stream, return the same hit sets for words of the
// filler too, public and internal.
func TestBackendsFindTheSame(t *testing.T) {
	ctx := context.Background()
	emb, err := bleve.Open(filepath.Join(t.TempDir(), "search"))
	if err != nil {
		t.Fatal(err)
	}
	defer emb.Close()
	dsn := postgrestest.FreshSchema(t, "searchbench")
	if err := pgreadmodel.Migrate(ctx, dsn); err != nil {
		t.Fatal(err)
	}
	pool, err := pgxpool.New(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	pg := pgsearch.New(pool)
	stream := searchtest.Stream(searchtest.Size)
	searchtest.Apply(t, emb, stream)
	searchtest.Apply(t, pg, stream)

	texts := append([]string{"订", "单", "收到", "杯子", "settings", "crashes", "damaged", "5531",
		"Shenzhen", "二线", "logs", "we", "着急", "问题"}, common...)
	for _, q := range searchtest.Queries {
		texts = append(texts, q.Text)
	}
	nonEmpty := 0
	for _, text := range texts {
		for _, internal := range []bool{false, true} {
			q := searchtest.Query{Text: text, Internal: internal}
			a, b := searchtest.Hits(t, emb, q), searchtest.Hits(t, pg, q)
			if !slices.Equal(a, b) {
				t.Errorf("%q (internal %v): embedded finds %d tickets, PostgreSQL %d", text, internal, len(a), len(b))
			}
			if len(a) > 0 {
				nonEmpty++
			}
		}
	}
	if nonEmpty < len(texts) {
		t.Errorf("only %d of %d searches found anything", nonEmpty, 2*len(texts))
	}
}
