package service

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"

	"github.com/ticketengine/ticketengine/adapters/keystore/filekeys"
	"github.com/ticketengine/ticketengine/adapters/keystore/pgkeys"
	"github.com/ticketengine/ticketengine/application/auth"
	"github.com/ticketengine/ticketengine/application/erasure"
)

// openKeys opens the customers' data key store (application/erasure; docs/AUDIT.md
// "Erasure"). --keystore postgres://… names a customer_keys table; else the keys live
// beside the event store: in memory with the memory store (the events die with the
// process too), files in --data/keys with the embedded one (one process owns --data),
// the table in the event store's own database with PostgreSQL. EventStoreDB has no place
// for them: without --keystore they are files in --data/keys, which only suits one
// ticketd per event store, and the log says so. Keys in a table are wrapped with a key
// derived from the server key. close releases the store (nil: nothing to release).
func openKeys(ctx context.Context, cfg Config, secrets *auth.Secrets, log *slog.Logger) (keys erasure.KeyStore, close func() error, err error) {
	dsn := cfg.KeyStore
	switch {
	case dsn == "" && cfg.EventStore == "memory:":
		return erasure.NewMemoryKeys(), nil, nil
	case dsn == "" && isPostgres(cfg.EventStore):
		dsn = cfg.EventStore
	case dsn == "" && cfg.EventStore != "":
		log.Warn("erasure keys are files in --data/keys: every ticketd on this EventStoreDB must share them; set --keystore postgres://… to share them in a table")
	}
	if dsn == "" {
		k, err := filekeys.Open(filepath.Join(cfg.Data, "keys"))
		if err != nil {
			return nil, nil, fmt.Errorf("--data: %w", err)
		}
		return k, nil, nil
	}
	k, err := pgkeys.Open(ctx, dsn, secrets.KeyWrappingKey())
	if err != nil {
		return nil, nil, fmt.Errorf("--keystore: %w", err)
	}
	return k, k.Close, nil
}

// OpenKeys opens the key store ticketd opens for cfg, for the tools (ticketctl replay
// opens what it shows with it). close may be nil.
func OpenKeys(ctx context.Context, cfg Config) (keys erasure.KeyStore, close func() error, err error) {
	key, err := cfg.serverKey()
	if err != nil {
		return nil, nil, err
	}
	secrets, err := auth.NewSecrets(key)
	if err != nil {
		return nil, nil, err
	}
	return openKeys(ctx, cfg, secrets, slog.New(slog.DiscardHandler))
}
