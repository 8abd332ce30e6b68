package projections

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/domain/text"
)

// SearchName is the search projection's stable name: lag, readiness, rebuilds
// (/admin/rebuild/search), failures and metrics know it by it.
const SearchName = "search"

// SearchCheckpointEvery is how many records, at most, may pass without a message before
// an otherwise empty commit writes the index's checkpoint: most events carry no text,
// and writing an index commit only to move its checkpoint would cost as much as one
// with documents. A restart re-reads at most this many records, indexing nothing twice.
const SearchCheckpointEvery = 10_000

// SearchCommitEvery is how often the live path commits the index (FlushPeriod), and
// SearchMaxPending how many records it applies before it commits anyway. An index commit
// costs far more than a read-model commit (the embedded index writes and syncs a segment
// per commit, beside the event store's own syncs), so the index is committed about once
// a second, not every 20 ms: a search commits what it needs first (SearchTickets), so
// no one reads an older index for it.
const (
	SearchCommitEvery = time.Second
	SearchMaxPending  = 20_000
)

// SearchIndexer is the search projection: it turns ticket events into index documents
// (one per message) and writes them to a SearchIndex in batches, with the position as
// the index's own checkpoint. It is not a row projection of the catalogue (its store is
// an index, not read-model tables), but it receives records the same way as the engine:
// CatchUp from the event store at start, FollowBatch from the relay, FlushEvery.
type SearchIndexer struct {
	index SearchIndex
	// commitMu orders commits and is taken before mu; mu guards the rest and is not held
	// while the index commits, so records keep being applied meanwhile.
	commitMu sync.Mutex
	mu       sync.Mutex
	pos      uint64 // applied
	durable  uint64 // the index's stored checkpoint
	commit   uint64 // committed: durable, or past it over records with no document
	batch    SearchBatch
	docPos   []uint64 // the position of each of batch's documents (isolate)
	pending  int      // records applied since the last commit
	building bool     // Rebuild runs: live records are left to its catch-up
	failed   uint64
	lastAt   time.Time
	standby  searchStandby // another node indexes into the shared index

	// MaxPending is how many records FollowBatch applies before it commits.
	MaxPending int
	// Log hears the records skipped as failed (slog.Default when nil).
	Log *slog.Logger
	// OnFailure, if set, hears every record skipped as failed (a metric counts them).
	OnFailure func(Failure)
}

// NewSearchIndexer starts the search projection from the index's checkpoint.
func NewSearchIndexer(ctx context.Context, index SearchIndex) (*SearchIndexer, error) {
	pos, err := index.Checkpoint(ctx)
	if err != nil {
		return nil, fmt.Errorf("search checkpoint: %w", err)
	}
	return &SearchIndexer{index: index, pos: pos, durable: pos, commit: pos, MaxPending: SearchMaxPending}, nil
}

// Search asks the index.
func (x *SearchIndexer) Search(ctx context.Context, q SearchQuery) ([]SearchHit, error) {
	return x.index.Search(ctx, q)
}

// Position is what the indexer has applied: the relay starts no later than it.
func (x *SearchIndexer) Position() uint64 {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.pos
}

// Progress reports the indexer's positions as the engine reports a projection's.
func (x *SearchIndexer) Progress() Progress {
	x.mu.Lock()
	defer x.mu.Unlock()
	return Progress{Name: SearchName, Applied: x.pos, Committed: x.commit, OccurredAt: x.lastAt, Failed: x.failed}
}

// apply turns the decoded records past the indexer's position into pending documents;
// the caller holds mu. A record that does not decode, or whose mapping panics, is
// logged, counted and skipped: one poison event never stops the index.
func (x *SearchIndexer) apply(ds []Event) {
	for i := range ds {
		d := &ds[i]
		if d.Record.Position <= x.pos {
			continue
		}
		err := d.fail
		if err == nil {
			err = x.add(d)
		}
		if err != nil {
			x.skip(d, err)
		}
		x.pos, x.lastAt = d.Record.Position, d.Record.Meta.OccurredAt
		x.pending++
	}
}

// add appends d's document, if it makes one; a panic becomes its error.
func (x *SearchIndexer) add(d *Event) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("search: indexing %s panicked: %v", d.Record.Type, v)
		}
	}()
	if _, ok := d.Data.(domain.TicketCustomerErased); ok && d.Kind == TicketStreams {
		x.forgetTicket(d.ID.String())
		return nil
	}
	if doc, ok := searchDocument(d); ok {
		x.batch.Documents = append(x.batch.Documents, doc)
		x.docPos = append(x.docPos, d.Record.Position)
	}
	return nil
}

// forgetTicket removes every document of a ticket whose customer was erased
// (TicketCustomerErased): the index holds the customer's words in its terms and
// snippets, and keeps no message's kind apart from its text, so the ticket's documents
// go, staff replies with them; those written afterwards are indexed again. Pending
// documents of the ticket are dropped too: a batch deletes before it indexes.
func (x *SearchIndexer) forgetTicket(id string) {
	docs, pos := x.batch.Documents[:0], x.docPos[:0]
	for i, doc := range x.batch.Documents {
		if doc.TicketID != id {
			docs, pos = append(docs, doc), append(pos, x.docPos[i])
		}
	}
	x.batch.Documents, x.docPos = docs, pos
	x.batch.DeleteTickets = append(x.batch.DeleteTickets, id)
}

// skip records d as failed: logged and counted, like a read-model projection's failures.
func (x *SearchIndexer) skip(d *Event, cause error) {
	r := d.Record
	f := Failure{Projection: SearchName, Position: r.Position, EventID: r.ID, Stream: r.Stream, Type: r.Type,
		Error: cause.Error(), FailedAt: nowUTC()}
	x.failed++
	log := x.Log
	if log == nil {
		log = slog.Default()
	}
	log.Error("projection skipped an event it cannot project", slog.String("projection", f.Projection),
		slog.Uint64("position", f.Position), slog.String("stream", f.Stream), slog.String("type", f.Type),
		slog.String("event_id", f.EventID.String()), slog.String("err", f.Error))
	if x.OnFailure != nil {
		x.OnFailure(f)
	}
}

// searchDocument is the index document of a ticket event that carries a message: the
// received ticket (subject, body, number and email, so both are found whole), a
// customer's reply, a staff reply (an internal note is Internal) and a resolution's
// text. The message id is the event's id: indexing a record again replaces its document.
// Text is cleaned as mail is (text.Clean: invalid UTF-8 replaced, control characters
// such as NUL dropped), which an event stored before the edge refused them may hold and
// PostgreSQL's text cannot; the event keeps its bytes.
func searchDocument(d *Event) (SearchDocument, bool) {
	if d.Kind != TicketStreams {
		return SearchDocument{}, false
	}
	doc := SearchDocument{TicketID: d.ID.String(), MessageID: d.Record.ID.String(), Kind: "customer",
		CreatedAt: d.Record.Meta.OccurredAt}
	switch e := d.Data.(type) {
	case domain.TicketReceived:
		doc.Text = strings.Join([]string{e.Subject, e.Body, e.Number, e.Customer.Email}, "\n")
	case domain.CustomerReplied:
		doc.Text = e.Body
	case domain.TicketReplied:
		doc.Text, doc.Kind, doc.Internal = e.Body, "public", !e.Public
		if !e.Public {
			doc.Kind = "internal"
		}
	case domain.TicketResolved:
		doc.Text, doc.Kind = e.Resolution, "public"
	default:
		return SearchDocument{}, false
	}
	doc.Text, _ = text.Clean(doc.Text, 0)
	return doc, strings.TrimSpace(doc.Text) != ""
}

// Flush commits what was applied: the pending documents and the position, in one index
// commit. A batch without documents moves the committed position without writing, up
// to SearchCheckpointEvery records past the stored checkpoint (final: always writes it,
// so a shutdown stops at a checkpoint). On failure the documents stay pending.
func (x *SearchIndexer) Flush(ctx context.Context) error { return x.flush(ctx, false) }

func (x *SearchIndexer) flush(ctx context.Context, final bool) error {
	x.commitMu.Lock()
	defer x.commitMu.Unlock()
	x.mu.Lock()
	b, docPos, pos := x.batch, x.docPos, x.pos
	x.batch, x.docPos, x.pending = SearchBatch{}, nil, 0
	empty := len(b.Documents) == 0 && len(b.DeleteTickets) == 0
	if empty && (pos == x.durable || (!final && pos-x.durable < SearchCheckpointEvery)) {
		x.commit = pos
		x.mu.Unlock()
		return nil
	}
	x.mu.Unlock()
	b.Position = pos
	if err := x.index.Apply(ctx, b); err != nil {
		if err = x.isolate(ctx, b, docPos); err != nil {
			return fmt.Errorf("search index commit: %w", err)
		}
	}
	x.mu.Lock()
	x.durable, x.commit = pos, pos
	x.mu.Unlock()
	return nil
}

// FlushPeriod is the interval the live path commits the index at (SearchCommitEvery);
// the relay asks for it (watermillrelay.RunAll).
func (x *SearchIndexer) FlushPeriod() time.Duration { return SearchCommitEvery }

// FlushEvery commits pending records every interval until ctx ends, then once more with
// stop, writing the checkpoint; a failed commit goes to onErr and is tried again.
func (x *SearchIndexer) FlushEvery(ctx, stop context.Context, interval time.Duration, onErr func(error)) error {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return x.flush(stop, true)
		case <-t.C:
			if err := x.Flush(ctx); err != nil && ctx.Err() == nil && onErr != nil {
				onErr(err)
			}
		}
	}
}
