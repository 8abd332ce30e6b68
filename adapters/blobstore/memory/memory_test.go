package memory_test

import (
	"context"
	"testing"

	"github.com/ticketengine/ticketengine/adapters/blobstore/memory"
	"github.com/ticketengine/ticketengine/application/attachments/blobtest"
)

func TestConformance(t *testing.T) {
	blobtest.Run(t, func(t *testing.T) blobtest.Subject {
		s := memory.New()
		return blobtest.Subject{Blobs: s, Kept: func(context.Context) ([]string, error) { return s.Sums(), nil }}
	})
}
