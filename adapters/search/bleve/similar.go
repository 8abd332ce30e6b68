package bleve

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	bv "github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/ticketengine/ticketengine/projections"
)

var _ projections.SimilarIndex = (*Index)(nil)

// Similar finds the tickets whose public messages share the most of the terms: a
// disjunction of term queries on the text (any term matches), scored by bleve's TF-IDF,
// which weighs rare terms over common ones; each ticket once, by its best message.
func (x *Index) Similar(ctx context.Context, q projections.SimilarQuery) ([]projections.SearchHit, error) {
	if len(q.Terms) == 0 || q.Limit <= 0 {
		return nil, nil
	}
	x.open.RLock()
	defer x.open.RUnlock()
	terms, err := x.rarerTerms(ctx, q.Terms)
	if err != nil || len(terms) == 0 {
		return nil, err
	}
	any := make([]query.Query, len(terms))
	for i, t := range terms {
		tq := bv.NewTermQuery(t)
		tq.SetField(fieldText)
		any[i] = tq
	}
	// Internal notes are left out by a must-not clause, which scores nothing: the
	// internal field keeps no norms, and as a scored clause it made every score NaN.
	note := bv.NewBoolFieldQuery(true)
	note.SetField(fieldInternal)
	bq := bv.NewBooleanQuery()
	bq.AddMust(bv.NewDisjunctionQuery(any...))
	bq.AddMustNot(note)
	var hits []projections.SearchHit
	seen := map[string]bool{}
	// A ticket has a few messages: four times the tickets asked for is nearly always
	// enough; a second page is read when it is not.
	size := 4 * q.Limit
	for from := 0; len(hits) < q.Limit && from < 20*size; from += size {
		req := bv.NewSearchRequestOptions(bq, size, from, false)
		req.Fields = []string{fieldTicket}
		req.SortBy([]string{"-_score", "_id"})
		res, err := x.ix.SearchInContext(ctx, req)
		if err != nil {
			return nil, fmt.Errorf("similar tickets: %w", err)
		}
		for _, h := range res.Hits {
			ticket, _ := h.Fields[fieldTicket].(string)
			if seen[ticket] || len(hits) == q.Limit {
				continue
			}
			seen[ticket] = true
			hits = append(hits, projections.SearchHit{TicketID: ticket, Score: h.Score})
		}
		if len(res.Hits) < size {
			break
		}
	}
	return hits, nil
}

// commonShare is the share of messages above which a term is left out of the query:
// its posting list is long (every message holding it is scored) and it tells tickets
// apart little (pgsearch bounds its candidates in tiers instead, docs/KNOWLEDGE.md). A
// term held by at most cheapCount messages is always kept (a short list costs nothing,
// and in a small index every term is "common"), and so are the minTerms rarest held ones.
const (
	commonShare = 0.05
	cheapCount  = 1000
	minTerms    = 4
)

// rarerTerms keeps the terms some message holds and at most commonShare of them do (or
// the minTerms rarest held ones), reading each term's document count from the index.
func (x *Index) rarerTerms(ctx context.Context, terms []string) ([]string, error) {
	adv, err := x.ix.Advanced()
	if err != nil {
		return nil, fmt.Errorf("similar tickets: %w", err)
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, fmt.Errorf("similar tickets: %w", err)
	}
	defer r.Close()
	total, err := r.DocCount()
	if err != nil {
		return nil, fmt.Errorf("similar tickets: %w", err)
	}
	type held struct {
		term  string
		count uint64
	}
	var all []held
	for _, t := range terms {
		tfr, err := r.TermFieldReader(ctx, []byte(t), fieldText, false, false, false)
		if err != nil {
			return nil, fmt.Errorf("similar tickets: %w", err)
		}
		if n := tfr.Count(); n > 0 {
			all = append(all, held{t, n})
		}
		tfr.Close()
	}
	slices.SortStableFunc(all, func(a, b held) int { return cmp.Compare(a.count, b.count) })
	var out []string
	for i, h := range all {
		if h.count <= cheapCount || float64(h.count) <= commonShare*float64(total) || i < minTerms {
			out = append(out, h.term)
		}
	}
	return out, nil
}
