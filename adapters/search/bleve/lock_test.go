package bleve_test

import (
	"path/filepath"
	"testing"

	"github.com/ticketengine/ticketengine/adapters/search/bleve"
)

// TestOpenLockedFails: a directory another holder has open is refused after a short
// wait (a second ticketd, ticketctl beside a running ticketd), not waited for forever.
func TestOpenLockedFails(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "search")
	x, err := bleve.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if y, err := bleve.Open(dir); err == nil {
		y.Close()
		t.Fatal("a locked index opened twice")
	}
}
