package projections

import (
	"context"
	"errors"
	"slices"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/eventlog"
)

// isolate commits a batch the index refused whole, one document at a time, so that one
// document the index cannot hold never stops the search projection: a document refused
// alone, while a commit of the checkpoint alone at its position succeeds (the index is
// reachable), is skipped as failed, like a read-model projection's unstorable record
// (failure.go). When the index is unreachable instead, the documents not yet committed
// go back to the pending batch and the error is returned, to be tried again. The
// caller holds commitMu.
func (x *SearchIndexer) isolate(ctx context.Context, b SearchBatch, docPos []uint64) error {
	if len(b.DeleteTickets) > 0 { // erasures (forgetTicket) first, as a batch applies them
		if err := x.index.Apply(ctx, SearchBatch{DeleteTickets: b.DeleteTickets}); err != nil {
			x.mu.Lock()
			x.batch.DeleteTickets = append(slices.Clone(b.DeleteTickets), x.batch.DeleteTickets...)
			x.mu.Unlock()
			x.putBack(b.Documents, docPos)
			return err
		}
	}
	for i, doc := range b.Documents {
		one := SearchBatch{Position: docPos[i], Documents: b.Documents[i : i+1]}
		err := x.index.Apply(ctx, one)
		if err == nil {
			x.setDurable(docPos[i])
			continue
		}
		if probe := x.index.Apply(ctx, SearchBatch{Position: docPos[i]}); probe != nil || ctx.Err() != nil {
			x.putBack(b.Documents[i:], docPos[i:])
			return errors.Join(err, probe, ctx.Err())
		}
		x.setDurable(docPos[i])
		x.mu.Lock()
		x.skip(&Event{Record: searchRecord(doc, docPos[i])}, err)
		x.mu.Unlock()
	}
	if err := x.index.Apply(ctx, SearchBatch{Position: b.Position}); err != nil {
		return err
	}
	return nil
}

// setDurable records a position the index has stored.
func (x *SearchIndexer) setDurable(pos uint64) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.durable = max(x.durable, pos)
	x.commit = max(x.commit, pos)
}

// putBack returns documents not committed to the front of the pending batch.
func (x *SearchIndexer) putBack(docs []SearchDocument, pos []uint64) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.batch.Documents = append(append([]SearchDocument(nil), docs...), x.batch.Documents...)
	x.docPos = append(append([]uint64(nil), pos...), x.docPos...)
}

// searchRecord is what a failure names of a document's record: its event id (the
// message id), the ticket's stream and the position.
func searchRecord(doc SearchDocument, pos uint64) eventlog.Record {
	r := eventlog.Record{Position: pos, Type: "search document (" + doc.Kind + ")"}
	r.ID, _ = uuid.Parse(doc.MessageID)
	if id, err := uuid.Parse(doc.TicketID); err == nil {
		r.Stream = eventlog.TicketStream(id)
	}
	return r
}
