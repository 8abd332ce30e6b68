package pgsearch

import (
	"context"
	"fmt"

	"github.com/ticketengine/ticketengine/projections"
	"github.com/ticketengine/ticketengine/projections/searchtext"
)

// searchSQL finds the messages whose terms contain every query term ($1) through the
// GIN index, keeps each ticket's best one and returns the best tickets first. The score
// favours short messages (1/√terms), as a length norm does: PostgreSQL has no term
// statistics for a text[], and the score only orders one query's hits.
const searchSQL = `SELECT ticket_id::text, score, body FROM (
	SELECT DISTINCT ON (ticket_id) ticket_id, 1 / sqrt(greatest(cardinality(terms), 1)) AS score, body, message_id
	FROM rm_search_documents
	WHERE terms @> $1::text[] AND (NOT internal OR $2)
	ORDER BY ticket_id, score DESC, message_id
) best ORDER BY score DESC, ticket_id LIMIT $3`

// Search returns the tickets with a message holding every query term, best first.
func (x *Index) Search(ctx context.Context, q projections.SearchQuery) ([]projections.SearchHit, error) {
	terms, limit := q.Terms()
	if len(terms) == 0 {
		return nil, nil
	}
	rows, err := x.pool.Query(ctx, searchSQL, terms, q.IncludeInternal, limit)
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", q.Text, err)
	}
	defer rows.Close()
	var hits []projections.SearchHit
	for rows.Next() {
		var h projections.SearchHit
		var body string
		if err := rows.Scan(&h.TicketID, &h.Score, &body); err != nil {
			return nil, fmt.Errorf("search %q: %w", q.Text, err)
		}
		h.Snippet = searchtext.Snippet(body, terms, searchtext.SnippetLength)
		hits = append(hits, h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("search %q: %w", q.Text, err)
	}
	return hits, nil
}
