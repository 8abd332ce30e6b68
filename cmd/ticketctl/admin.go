package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/ticketengine/ticketengine/adapters/eventstore/pgstore"
	"github.com/ticketengine/ticketengine/adapters/keystore/pgkeys"
	"github.com/ticketengine/ticketengine/adapters/ratelimit/pglimits"
	"github.com/ticketengine/ticketengine/adapters/readmodel/pgreadmodel"
	"github.com/ticketengine/ticketengine/adapters/session/pgsessions"
	"github.com/ticketengine/ticketengine/application/access"
	"github.com/ticketengine/ticketengine/cmd/internal/service"
	"github.com/ticketengine/ticketengine/projections"
)

// tokenActor is the actor ticketctl's tokens are issued by, as their events record it.
var tokenActor = access.Principal{Role: access.RoleAdmin, Subject: "ticketctl"}.Actor()

func runRebuild(ctx context.Context, c *cli, args []string) error {
	fs := c.flags("rebuild")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("rebuild takes one read model name, or all")
	}
	svc, err := c.build(ctx)
	if err != nil {
		return err
	}
	defer svc.Close()
	var prog *progress
	report := func(name string, events int) {
		if prog == nil {
			prog = c.newProgress("rebuild " + name)
		}
		prog.set(events)
	}
	return svc.Rebuild(ctx, fs.Arg(0), report, func(s projections.RebuildStats) {
		if prog != nil {
			prog.finish()
			prog = nil
		}
		fmt.Fprintf(c.stderr, "rebuild %s: %d events, up to position %d, in %.1fs\n", s.Projection, s.Events, s.Position, s.Seconds)
	})
}

// build assembles the engine as ticketd does, with logs on stderr.
func (c *cli) build(ctx context.Context) (*service.Service, error) {
	log := slog.New(slog.NewTextHandler(c.stderr, &slog.HandlerOptions{Level: service.LogLevel(c.cfg.LogLevel)}))
	cfg := c.cfg
	cfg.NoReadSide = true // one-shot commands: no projections to catch up
	svc, err := service.Build(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	if svc.AdminTokenCreated {
		fmt.Fprintf(c.stderr, "note: a new admin token was created in %s/admin.token\n", c.cfg.Data)
	}
	return svc, nil
}

func isPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// migrator applies one set of migrations to the database dsn names.
type migrator struct {
	what    string
	dsn     func(service.Config) string
	migrate func(ctx context.Context, dsn string) error
}

// migrators are the migration sets ticketctl migrate applies, each when its flag names
// a PostgreSQL database. Each set keeps its own goose version table, so both may share
// one database.
var migrators = []migrator{
	{what: "event store", dsn: func(c service.Config) string { return c.EventStore }, migrate: pgstore.Migrate},
	{what: "read model", dsn: func(c service.Config) string { return c.ReadModel }, migrate: pgreadmodel.Migrate},
	{what: "key store", dsn: keyStoreDSN, migrate: pgkeys.Migrate},
	{what: "rate limits", dsn: service.LimitsDSN, migrate: pglimits.Migrate},
	{what: "desk sessions", dsn: service.SessionsDSN, migrate: pgsessions.Migrate},
}

func runMigrate(ctx context.Context, c *cli, args []string) error {
	fs := c.flags("migrate")
	if err := parse(fs, args); err != nil {
		return err
	}
	return migrateAll(ctx, c.cfg, migrators, c.stderr)
}

func migrateAll(ctx context.Context, cfg service.Config, ms []migrator, log io.Writer) error {
	done := 0
	for _, m := range ms {
		dsn := m.dsn(cfg)
		if !isPostgres(dsn) {
			continue
		}
		if err := m.migrate(ctx, dsn); err != nil {
			return fmt.Errorf("%s: %w", m.what, err)
		}
		fmt.Fprintf(log, "migrate: %s schema is up to date\n", m.what)
		done++
	}
	if done == 0 {
		return usagef("nothing to migrate: neither --eventstore nor --readmodel names a postgres:// database this build can migrate")
	}
	return nil
}

// keyStoreDSN is the database of the erasure keys' table: --keystore, else the event
// store's PostgreSQL (service.openKeys).
func keyStoreDSN(c service.Config) string {
	if c.KeyStore != "" {
		return c.KeyStore
	}
	return c.EventStore
}
