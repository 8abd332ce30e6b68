// Package postgresstore replays issue 12's hostile inputs (an even spread of the corpus)
// through the HTTP stack on the PostgreSQL event store, with read models in memory and
// with read models in PostgreSQL, with the harness of cmd/internal/service/suites/hostile.
package postgresstore
