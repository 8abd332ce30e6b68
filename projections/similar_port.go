package projections

import (
	"context"
	"fmt"
	"unicode/utf8"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/projections/searchtext"
)

// SimilarQuery asks the ticket index for the tickets whose public messages share the
// most of Terms: any term counts (unlike SearchQuery, where every term must be in one
// message), ranked by the backend's weighting of rare terms over common ones. Each
// ticket is scored by its best message.
type SimilarQuery struct {
	Terms []string
	Limit int // tickets, at most
}

// SimilarIndex is the similar-ticket query of a search backend; both backends
// (adapters/search/bleve and pgsearch) implement it beside SearchIndex.
type SimilarIndex interface {
	Similar(ctx context.Context, q SimilarQuery) ([]SearchHit, error)
}

// MaxSimilarTerms bounds the terms a similar-ticket query asks for: a ticket's first
// message may be long, and its first terms (the subject's, then the opening of the body)
// say what it is about; the rest cost time and add noise.
const MaxSimilarTerms = 32

// SimilarTerms are the terms a text is compared by: the analyzer's query terms (Chinese
// as overlapping pairs, English stems, numbers and emails whole), without single
// characters (a lone Chinese character or letter matches far too much to tell tickets
// apart), at most MaxSimilarTerms, in the order they appear.
func SimilarTerms(text string) []string {
	var out []string
	for _, t := range searchtext.QueryTerms(text) {
		if utf8.RuneCountInString(t) < 2 {
			continue
		}
		out = append(out, t)
		if len(out) == MaxSimilarTerms {
			break
		}
	}
	return out
}

// Similar asks the index for similar tickets; ErrNotFound when search is off or the
// backend cannot answer it.
func (x *SearchIndexer) Similar(ctx context.Context, q SimilarQuery) ([]SearchHit, error) {
	si, ok := x.index.(SimilarIndex)
	if !ok {
		return nil, fmt.Errorf("%w: the search backend has no similar-ticket query", application.ErrNotFound)
	}
	if len(q.Terms) == 0 {
		return nil, nil
	}
	return si.Similar(ctx, q)
}
