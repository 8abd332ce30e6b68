// Package onpostgres runs the API suite (cmd/internal/service/suites/api) on PostgreSQL:
// as the event store with read models in memory, and as the event store and the read
// models both.
package onpostgres
