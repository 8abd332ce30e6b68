package pgreadmodel

import (
	"context"
	"fmt"

	"github.com/ticketengine/ticketengine/migrations"
)

// VersionTable is goose's version table for the read models' migrations, apart from the
// event store's so both sets share a database and move independently.
const VersionTable = "readmodel_goose_version"

// migrateLockID is the advisory lock goose holds while migrating the read models, so
// several processes starting at once apply each migration once ("tickets2").
const migrateLockID = 0x7469636b65747332

// Migrate brings the read models' schema in the database dsn names up to date. Tables go
// to the first schema of the connection's search_path.
func Migrate(ctx context.Context, dsn string) error {
	set := migrations.Set{Files: migrations.Sub(migrations.ReadModel, "readmodel"), VersionTable: VersionTable, LockID: migrateLockID}
	if err := migrations.Up(ctx, dsn, set); err != nil {
		return fmt.Errorf("postgres read model: migrate: %w", err)
	}
	return nil
}
