// Package poison holds the regression tests of issue 12's defects at the level of the
// whole engine: events the edge refuses, appended behind its back, on memory and
// PostgreSQL read models (TestPoisonEvents*); such records refused or round-tripped by
// every event store (TestPoisonRecordsRoundTrip); customer replies with a NUL and invalid
// UTF-8 on PostgreSQL read models (TestHostileRepliesOnPostgresReadModels).
package poison
