package main

import (
	"context"
	"fmt"

	"github.com/ticketengine/ticketengine/projections"
)

// alreadyIndexed tells whether a kept index (-schema, -dir) has applied every batch of
// the corpus, judged by its checkpoint: the batches are numbered from 1, so an index of
// the same -tickets and -batch ends at the last one. An index stopped half-way is
// filled on (Apply skips the batches at or below its checkpoint); one past the end holds
// another corpus.
func alreadyIndexed(ctx context.Context, ix projections.SearchIndex, batches []projections.SearchBatch) (bool, error) {
	if len(batches) == 0 {
		return false, nil
	}
	pos, err := ix.Checkpoint(ctx)
	if err != nil {
		return false, err
	}
	last := batches[len(batches)-1].Position
	if pos > last {
		return false, fmt.Errorf("the kept index holds another corpus (checkpoint %d, this one ends at %d): use another -schema or -dir", pos, last)
	}
	return pos == last, nil
}
