package pgreadmodel

import (
	"context"

	"github.com/ticketengine/ticketengine/migrations"
)

// Migrate brings the read models' schema in the database dsn names up to date. Tables go
// to the first schema of the connection's search_path.
func Migrate(ctx context.Context, dsn string) error {
	return migrations.ReadModelSet.Migrate(ctx, dsn)
}
