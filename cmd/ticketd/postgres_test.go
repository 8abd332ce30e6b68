package main

import (
	"testing"

	"github.com/ticketengine/ticketengine/adapters/postgrestest"
)

// freshPostgresSchema returns a DSN on a new schema of the test server, dropped when the
// test ends (skipped when the server is unreachable, failed instead when CI=true).
func freshPostgresSchema(t *testing.T) string { return postgrestest.FreshSchema(t, "t_crash_") }
