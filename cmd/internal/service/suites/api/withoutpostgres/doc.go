// Package withoutpostgres runs the API suite (cmd/internal/service/suites/api) on the
// event stores that need no PostgreSQL: memory, the embedded store (bbolt) and
// EventStoreDB (the in-process esdbtest server), read models in memory.
package withoutpostgres
