package service

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/ticketengine/ticketengine/adapters/keystore/filekeys"
	"github.com/ticketengine/ticketengine/application/auth"
	"github.com/ticketengine/ticketengine/application/erasure"
)

// openKeys opens the customers' data key store (application/erasure) where it can live
// beside its event store: with the embedded store, files in --data/keys (one process
// owns --data); with the memory store, in memory (the events die with the process too).
// The PostgreSQL and EventStoreDB stores are shared by several processes, which would
// need one shared key store (a table, not written yet): there customer records keep
// their personal fields in plain (docs/AUDIT.md, "Erasure").
func openKeys(_ context.Context, cfg Config, _ *auth.Secrets) (erasure.KeyStore, error) {
	switch cfg.EventStore {
	case "memory:":
		return erasure.NewMemoryKeys(), nil
	case "":
		k, err := filekeys.Open(filepath.Join(cfg.Data, "keys"))
		if err != nil {
			return nil, fmt.Errorf("--data: %w", err)
		}
		return k, nil
	}
	return nil, nil
}
