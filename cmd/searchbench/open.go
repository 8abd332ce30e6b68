package main

import (
	"context"
	"fmt"
	"net/url"
	"os"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ticketengine/ticketengine/adapters/readmodel/pgreadmodel"
	"github.com/ticketengine/ticketengine/adapters/search/bleve"
	"github.com/ticketengine/ticketengine/adapters/search/pgsearch"
	"github.com/ticketengine/ticketengine/projections"
)

// open returns a fresh index of the chosen backend and what removes it.
func open(ctx context.Context, c *config) (projections.SearchIndex, func(), error) {
	switch c.backend {
	case "bleve":
		dir := c.dir
		if dir == "" {
			tmp, err := os.MkdirTemp("", "searchbench")
			if err != nil {
				return nil, nil, err
			}
			dir = tmp + "/search"
			ix, err := bleve.Open(dir)
			if err != nil {
				return nil, nil, err
			}
			return ix, func() { ix.Close(); os.RemoveAll(tmp) }, nil
		}
		ix, err := bleve.Open(dir)
		if err != nil {
			return nil, nil, err
		}
		return ix, func() { ix.Close() }, nil
	case "postgres":
		return openPostgres(ctx, c.dsn, c.schema, &c.searchDSN)
	}
	return nil, nil, fmt.Errorf("unknown backend %q (bleve or postgres)", c.backend)
}

// openPostgres makes a schema of its own in the database, migrates the read models
// there (the search tables among them) and drops it at the end; a schema named by
// -schema is kept (indexing 100,000 tickets takes minutes), made only when missing.
func openPostgres(ctx context.Context, dsn, keep string, opened *string) (projections.SearchIndex, func(), error) {
	schema := fmt.Sprintf("searchbench_%d", os.Getpid())
	create := "CREATE SCHEMA "
	if keep != "" {
		schema, create = pgx.Identifier{keep}.Sanitize(), "CREATE SCHEMA IF NOT EXISTS "
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return nil, nil, err
	}
	if _, err := conn.Exec(ctx, create+schema); err != nil {
		conn.Close(ctx)
		return nil, nil, err
	}
	drop := func() {
		if keep == "" {
			conn.Exec(context.WithoutCancel(ctx), "DROP SCHEMA "+schema+" CASCADE")
		}
		conn.Close(context.WithoutCancel(ctx))
	}
	u, err := url.Parse(dsn)
	if err != nil {
		drop()
		return nil, nil, err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	*opened = u.String()
	if err := pgreadmodel.Migrate(ctx, u.String()); err != nil {
		drop()
		return nil, nil, err
	}
	pool, err := pgxpool.New(ctx, u.String())
	if err != nil {
		drop()
		return nil, nil, err
	}
	return pgsearch.New(pool), func() { pool.Close(); drop() }, nil
}
