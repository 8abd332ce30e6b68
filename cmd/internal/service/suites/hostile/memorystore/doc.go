// Package memorystore replays issue 12's whole hostile corpus (every string of the
// committed fuzz corpora, not an even spread) through the HTTP stack on the memory event
// store, the cheapest, with the harness of cmd/internal/service/suites/hostile. It is a
// package of its own because it is the longest single test of the service.
package memorystore
