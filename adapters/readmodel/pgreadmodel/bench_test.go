package pgreadmodel_test

import (
	"testing"

	"github.com/ticketengine/ticketengine/adapters/eventstore/memstore"
	"github.com/ticketengine/ticketengine/adapters/watermillrelay/relaytest"

	"github.com/ticketengine/ticketengine/projections"
	"github.com/ticketengine/ticketengine/projections/readmodeltest"
)

// BenchmarkRebuild measures a rebuild of every projection into fresh PostgreSQL tables
// (readmodeltest.Rebuild: state cached in memory, multi-row upserts every
// projections.CommitEvery records); schema setup is not timed, nor is PostgreSQL's CPU.
func BenchmarkRebuild(b *testing.B) {
	w := readmodeltest.BenchWorld(b, memstore.New(), 5000, 100_000)
	readmodeltest.Rebuild(b, w, func(tb testing.TB) projections.Writer {
		store, _ := newStore(tb)
		return store
	})
}

// BenchmarkLivePath measures the live path into fresh PostgreSQL tables (relaytest.LivePath);
// schema setup is not timed.
func BenchmarkLivePath(b *testing.B) {
	w := readmodeltest.BenchWorld(b, memstore.New(), 2000, 30_000)
	relaytest.LivePath(b, w, func(tb testing.TB) projections.Store {
		store, _ := newStore(tb)
		return store
	})
}
