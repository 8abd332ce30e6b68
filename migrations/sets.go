package migrations

// The six sets of the PostgreSQL adapters, in one place so that their version tables and
// advisory lock keys are seen to differ. Never change a version table (see Set) or a lock
// key: processes of an older build would then migrate at the same time as newer ones.
// The lock keys spell "tickets1" to "tickets6"; each set has its own, so that one set's
// migrations never wait for another's.
var (
	// EventStoreSet is applied by adapters/eventstore/pgstore.Migrate.
	EventStoreSet = Set{Name: "postgres event store", Files: Sub(EventStore, "eventstore"),
		VersionTable: "eventstore_goose_version", LockID: 0x7469636b65747331}
	// ReadModelSet is applied by adapters/readmodel/pgreadmodel.Migrate; the search
	// tables of adapters/search/pgsearch are part of it.
	ReadModelSet = Set{Name: "postgres read model", Files: Sub(ReadModel, "readmodel"),
		VersionTable: "readmodel_goose_version", LockID: 0x7469636b65747332}
	// KeyStoreSet is applied by adapters/keystore/pgkeys.Migrate.
	KeyStoreSet = Set{Name: "postgres key store", Files: Sub(KeyStore, "keystore"),
		VersionTable: "keystore_goose_version", LockID: 0x7469636b65747333}
	// RateLimitSet is applied by adapters/ratelimit/pglimits.Migrate.
	RateLimitSet = Set{Name: "postgres rate limits", Files: Sub(RateLimit, "ratelimit"),
		VersionTable: "ratelimit_goose_version", LockID: 0x7469636b65747334}
	// LeaseSet is applied by adapters/lease/pglease.Migrate.
	LeaseSet = Set{Name: "postgres leases", Files: Sub(Lease, "lease"),
		VersionTable: "lease_goose_version", LockID: 0x7469636b65747335}
	// SessionsSet is applied by adapters/session/pgsessions.Migrate.
	SessionsSet = Set{Name: "postgres sessions", Files: Sub(Sessions, "sessions"),
		VersionTable: "sessions_goose_version", LockID: 0x7469636b65747336}
)
