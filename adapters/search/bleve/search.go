package bleve

import (
	"context"
	"fmt"

	bv "github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/ticketengine/ticketengine/projections"
	"github.com/ticketengine/ticketengine/projections/searchtext"
)

// pageSize is how many messages one round of a query or a ticket deletion reads.
const pageSize = 500

// Search finds the messages holding every query term, best first, and returns their
// tickets in the order of each ticket's best message.
func (x *Index) Search(ctx context.Context, q projections.SearchQuery) ([]projections.SearchHit, error) {
	terms, limit := q.Terms()
	if len(terms) == 0 {
		return nil, nil
	}
	x.open.RLock()
	defer x.open.RUnlock()
	ix := x.ix
	bq := matchAll(terms, q.IncludeInternal)
	var hits []projections.SearchHit
	seen := map[string]bool{}
	for from := 0; len(hits) < limit; from += pageSize {
		req := bv.NewSearchRequestOptions(bq, pageSize, from, false)
		req.Fields = []string{fieldTicket, fieldText}
		req.SortBy([]string{"-_score", "_id"})
		res, err := ix.SearchInContext(ctx, req)
		if err != nil {
			return nil, fmt.Errorf("search %q: %w", q.Text, err)
		}
		for _, h := range res.Hits {
			ticket, _ := h.Fields[fieldTicket].(string)
			if seen[ticket] || len(hits) == limit {
				continue
			}
			seen[ticket] = true
			text, _ := h.Fields[fieldText].(string)
			hits = append(hits, projections.SearchHit{TicketID: ticket, Score: h.Score,
				Snippet: searchtext.Snippet(text, terms, searchtext.SnippetLength)})
		}
		if len(res.Hits) < pageSize {
			break
		}
	}
	return hits, nil
}

// matchAll is the conjunction of a term query per query term on the text, and the
// exclusion of internal notes unless they are asked for.
func matchAll(terms []string, internal bool) query.Query {
	qs := make([]query.Query, 0, len(terms)+1)
	for _, t := range terms {
		tq := bv.NewTermQuery(t)
		tq.SetField(fieldText)
		qs = append(qs, tq)
	}
	if !internal {
		pub := bv.NewBoolFieldQuery(false)
		pub.SetField(fieldInternal)
		qs = append(qs, pub)
	}
	return bv.NewConjunctionQuery(qs...)
}
