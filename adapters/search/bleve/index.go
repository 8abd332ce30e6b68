// Package bleve is the embedded search index: projections.SearchIndex on bleve v2
// (scorch), in a directory of its own under the data directory. It indexes the tokens
// of projections/searchtext through a tokenizer of its own, one document per message,
// and keeps its checkpoint as an internal key written in the same batch as the
// documents, so that the index and its checkpoint never disagree after a crash.
package bleve

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"sync"

	bv "github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"

	"github.com/ticketengine/ticketengine/projections"
)

var _ projections.SearchIndex = (*Index)(nil)

// checkpointKey is the internal key of the checkpoint.
var checkpointKey = []byte("ticketengine.checkpoint")

// Index is the embedded search index in one directory.
type Index struct {
	dir   string
	write sync.Mutex   // serialises Apply, and guards pos
	open  sync.RWMutex // held for writing by Reset and Close, which swap or close ix
	ix    bv.Index
	pos   uint64
}

// Open opens the index in dir, creating it (and dir) when it does not exist.
func Open(dir string) (*Index, error) {
	ix, err := openOrCreate(dir)
	if err != nil {
		return nil, err
	}
	x := &Index{dir: dir, ix: ix}
	if x.pos, err = readCheckpoint(ix); err != nil {
		ix.Close()
		return nil, err
	}
	return x, nil
}

// lockTimeout bounds the wait for the index's lock (its root.bolt): a directory another
// process has open (a running ticketd) is an error, not a wait without end.
const lockTimeout = "2s"

func openOrCreate(dir string) (bv.Index, error) {
	ix, err := bv.OpenUsing(dir, map[string]interface{}{"bolt_timeout": lockTimeout})
	if err == nil {
		return ix, nil
	}
	if !errors.Is(err, bv.ErrorIndexPathDoesNotExist) {
		return nil, fmt.Errorf("search index %s: %w", dir, err)
	}
	m, err := indexMapping()
	if err != nil {
		return nil, err
	}
	ix, err = bv.NewUsing(dir, m, scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("search index %s: %w", dir, err)
	}
	return ix, nil
}

func readCheckpoint(ix bv.Index) (uint64, error) {
	v, err := ix.GetInternal(checkpointKey)
	if err != nil || len(v) == 0 {
		return 0, err
	}
	if len(v) != 8 {
		return 0, fmt.Errorf("search index checkpoint of %d bytes", len(v))
	}
	return binary.BigEndian.Uint64(v), nil
}

// Checkpoint is the position of the last batch applied.
func (x *Index) Checkpoint(context.Context) (uint64, error) {
	x.write.Lock()
	defer x.write.Unlock()
	return x.pos, nil
}

// applyChunk is how many documents one bleve batch indexes at most. Scorch analyses a
// batch and builds its segment in memory in one go, so a catch-up's commit (tens of
// thousands of messages) would hold all of them at once; in chunks the peak is one
// chunk's (docs/SEARCH.md "What the embedded index keeps").
const applyChunk = 2000

// Apply writes the batch's deletions and documents, in bleve batches of at most
// applyChunk documents, and the checkpoint with the last of them: after a crash
// between two, the index holds some documents past its checkpoint, which indexing
// again from the checkpoint replaces (a document's id is its message's).
func (x *Index) Apply(_ context.Context, b projections.SearchBatch) error {
	x.open.RLock()
	defer x.open.RUnlock()
	x.write.Lock()
	defer x.write.Unlock()
	if b.Position > 0 && b.Position <= x.pos {
		return nil
	}
	batch := x.ix.NewBatch()
	for _, tk := range b.DeleteTickets {
		ids, err := messagesOf(x.ix, tk)
		if err != nil {
			return err
		}
		for _, id := range ids {
			batch.Delete(id)
		}
	}
	for _, id := range b.DeleteMessage {
		batch.Delete(id)
	}
	for i, d := range b.Documents {
		if i > 0 && i%applyChunk == 0 {
			if err := x.ix.Batch(batch); err != nil {
				return fmt.Errorf("search index batch at %d: %w", b.Position, err)
			}
			batch = x.ix.NewBatch()
		}
		err := batch.Index(d.MessageID, map[string]interface{}{
			fieldText: d.Text, fieldTicket: d.TicketID, fieldInternal: d.Internal,
		})
		if err != nil {
			return fmt.Errorf("search index message %s: %w", d.MessageID, err)
		}
	}
	pos := max(b.Position, x.pos)
	batch.SetInternal(checkpointKey, binary.BigEndian.AppendUint64(nil, pos))
	if err := x.ix.Batch(batch); err != nil {
		return fmt.Errorf("search index batch at %d: %w", b.Position, err)
	}
	x.pos = pos
	return nil
}

// messagesOf returns the ids of a ticket's documents, including those the batch being
// built deletes or replaces (deleting one twice is harmless).
func messagesOf(ix bv.Index, ticket string) ([]string, error) {
	q := bv.NewTermQuery(ticket)
	q.SetField(fieldTicket)
	var ids []string
	for from := 0; ; from += pageSize {
		res, err := ix.Search(bv.NewSearchRequestOptions(q, pageSize, from, false))
		if err != nil {
			return nil, fmt.Errorf("search index ticket %s: %w", ticket, err)
		}
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
		}
		if len(res.Hits) < pageSize {
			return ids, nil
		}
	}
}

// Reset deletes the index and creates it empty.
func (x *Index) Reset(context.Context) error {
	x.open.Lock()
	defer x.open.Unlock()
	x.write.Lock()
	defer x.write.Unlock()
	if err := x.ix.Close(); err != nil {
		return err
	}
	if err := os.RemoveAll(x.dir); err != nil {
		return err
	}
	ix, err := openOrCreate(x.dir)
	if err != nil {
		return err
	}
	x.ix, x.pos = ix, 0
	return nil
}

// Close closes the index; its directory keeps what was applied.
func (x *Index) Close() error {
	x.open.Lock()
	defer x.open.Unlock()
	return x.ix.Close()
}
