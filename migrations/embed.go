// Package migrations holds the PostgreSQL schema as goose SQL migrations, embedded so that
// the binaries migrate without files on disk. Each set has its own directory and its own
// goose version table, so that the sets can live in one database and move independently.
// Set.Migrate (over Up) is the one runner every PostgreSQL adapter calls with its set.
package migrations

import "embed"

// EventStore is the event store's schema (tables events and event_position), applied by
// adapters/eventstore/pgstore.Migrate with goose version table eventstore_goose_version.
//
//go:embed eventstore/*.sql
var EventStore embed.FS

// ReadModel is the read models' schema (tables readmodel_checkpoints and rm_*), applied by
// adapters/readmodel/pgreadmodel.Migrate with goose version table readmodel_goose_version.
//
//go:embed readmodel/*.sql
var ReadModel embed.FS

// KeyStore is the erasure key store's schema (table customer_keys), applied by
// adapters/keystore/pgkeys.Migrate with goose version table keystore_goose_version.
//
//go:embed keystore/*.sql
var KeyStore embed.FS

// RateLimit is the limiters' shared counters (table rate_counters), applied by
// adapters/ratelimit/pglimits.Migrate with goose version table ratelimit_goose_version.
//
//go:embed ratelimit/*.sql
var RateLimit embed.FS

// Lease is the leases' schema (table leases), applied by adapters/lease/pglease.Migrate
// with goose version table lease_goose_version.
//
//go:embed lease/*.sql
var Lease embed.FS

// Sessions is the desk's sessions (table desk_sessions), applied by
// adapters/session/pgsessions.Migrate with goose version table sessions_goose_version.
//
//go:embed sessions/*.sql
var Sessions embed.FS
