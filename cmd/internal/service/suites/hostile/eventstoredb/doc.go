// Package eventstoredb replays issue 12's hostile inputs (an even spread of the corpus)
// through the HTTP stack on the EventStoreDB protocol server (esdbtest), read models in
// memory, with the harness of cmd/internal/service/suites/hostile.
package eventstoredb
