package postgres_test

import (
	"context"
	"testing"

	"github.com/ticketengine/ticketengine/adapters/postgrestest"

	esmemory "github.com/ticketengine/ticketengine/adapters/eventstore/memory"
	"github.com/ticketengine/ticketengine/application"

	"github.com/ticketengine/ticketengine/adapters/readmodel/postgres"
	"github.com/ticketengine/ticketengine/projections"
	"github.com/ticketengine/ticketengine/projections/readmodeltest"
)

func TestConformance(t *testing.T) {
	readmodeltest.Run(t, func(t *testing.T) projections.Store {
		s, _ := newStore(t)
		return s
	}, func() application.EventStore { return esmemory.New() })
}

// TestMigrateTwice: migrating an up-to-date schema changes nothing.
func TestMigrateTwice(t *testing.T) {
	s, pool := newStore(t)
	var schema string
	if err := pool.QueryRow(context.Background(), "SELECT current_schema()").Scan(&schema); err != nil {
		t.Fatal(err)
	}
	if err := postgres.Migrate(context.Background(), postgrestest.DSN()+"&search_path="+schema); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Checkpoint(context.Background(), projections.Queues); err != nil {
		t.Fatal(err)
	}
}
