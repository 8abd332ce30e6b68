package service

import (
	"context"
	"errors"
	"fmt"
)

// ErrRebuildUnavailable is what Rebuild returns until the read models are wired here.
var ErrRebuildUnavailable = errors.New("read models are not wired into the builder yet")

// Rebuild rebuilds a read model (or "all") from the start of the event store, reporting
// the events applied so far through progress. ticketctl rebuild calls it.
//
// TODO(readside): replace the body with the read-side rebuild API (projections) once it
// lands: drop the model's rows and checkpoint, catch up from position 0, and call
// progress as pages are applied.
func (s *Service) Rebuild(ctx context.Context, name string, progress func(events int)) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return fmt.Errorf("rebuild %s: %w", name, ErrRebuildUnavailable)
}
