package bleve_test

import (
	"path/filepath"
	"testing"

	"github.com/ticketengine/ticketengine/adapters/search/bleve"
	"github.com/ticketengine/ticketengine/projections"
	"github.com/ticketengine/ticketengine/projections/searchtest"
)

func TestConformance(t *testing.T) {
	searchtest.Run(t, func(t *testing.T) searchtest.Opener {
		dir := filepath.Join(t.TempDir(), "search")
		return func(t *testing.T) projections.SearchIndex {
			ix, err := bleve.Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			return ix
		}
	})
}
