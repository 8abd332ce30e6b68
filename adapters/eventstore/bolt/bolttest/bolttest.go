// Package bolttest gives tests an embedded event store of their own. It is imported only
// by tests.
package bolttest

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/ticketengine/ticketengine/adapters/eventstore/bolt"
)

// Open opens a new store in a directory of the test's own, closed when the test ends.
func Open(t testing.TB) *bolt.Store {
	t.Helper()
	s, err := bolt.Open(context.Background(), filepath.Join(t.TempDir(), bolt.FileName))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
