package projections

import (
	"context"
	"time"

	"github.com/ticketengine/ticketengine/projections/searchtext"
)

// SearchDocument is one message of a ticket as the search index holds it: the ticket's
// subject, the customer's messages and replies, agents' public replies and internal
// notes are each one document, so that the live path indexes only what arrived.
type SearchDocument struct {
	TicketID  string // the ticket's id; a hit names it
	MessageID string // unique over the index; indexing it again replaces it
	Kind      string // subject, customer, public, internal, auto
	Internal  bool   // found only by queries that include internal notes
	Text      string
	CreatedAt time.Time
}

// SearchBatch is what the search projection changed since its last commit. An index
// writes it in one commit with Position, its checkpoint: the deletions first, then the
// documents. It ignores a batch whose Position it has already applied, so that a
// restart resumes and never re-indexes.
type SearchBatch struct {
	Position      uint64
	Documents     []SearchDocument // indexed, replacing documents of the same MessageID
	DeleteMessage []string         // message ids to remove
	DeleteTickets []string         // ticket ids whose every document is removed
}

// SearchQuery asks for the tickets with a message holding every token of Text (the
// analyzer of projections/searchtext decides what a token is).
type SearchQuery struct {
	Text            string
	IncludeInternal bool // staff queries find internal notes; others never
	Limit           int  // at most this many tickets; 0 means DefaultSearchLimit
}

// DefaultSearchLimit is the number of hits of a query that names no limit.
const DefaultSearchLimit = 50

// Terms returns what every backend starts a query from: its distinct tokens
// (searchtext.QueryTerms; none for nothing to search) and the number of tickets it asks
// for, DefaultSearchLimit when it names none.
func (q SearchQuery) Terms() ([]string, int) {
	limit := q.Limit
	if limit <= 0 {
		limit = DefaultSearchLimit
	}
	return searchtext.QueryTerms(q.Text), limit
}

// SearchHit is one ticket found: its best message's score (comparable within one
// query of one backend only) and a snippet of that message, HTML-escaped with the
// matches in <mark></mark>.
type SearchHit struct {
	TicketID string
	Score    float64
	Snippet  string
}

// SearchIndex is the full-text index of tickets, a projection: written in batches by
// the search projection, rebuilt from events by Reset and indexing from position 0.
type SearchIndex interface {
	// Apply writes the batch's changes and checkpoint in one commit; a batch at or
	// below the stored checkpoint (Position > 0) changes nothing.
	Apply(ctx context.Context, b SearchBatch) error
	// Checkpoint is the position of the last batch applied (0 when none).
	Checkpoint(ctx context.Context) (uint64, error)
	// Search returns the matching tickets, best first; none for a query without tokens.
	Search(ctx context.Context, q SearchQuery) ([]SearchHit, error)
	// Reset empties the index and its checkpoint, for a rebuild.
	Reset(ctx context.Context) error
	Close() error
}
