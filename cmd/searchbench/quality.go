package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"math"
	"slices"

	"github.com/ticketengine/ticketengine/projections"
	"github.com/ticketengine/ticketengine/projections/searchtext"
)

// exactSimilar is the similar-ticket ranking of pgsearch computed over every message of
// the corpus in memory, no candidate left out: weight ln(messages / messages holding
// the term), a message's score the weights of the query terms it holds over the fourth
// root of its term count, a ticket's its best public message's. The backend's answers
// are judged against it (-quality).
type exactSimilar struct {
	total    int
	holders  map[string][]int // term → public messages holding it
	messages map[string]int   // term → messages holding it, notes included
	docs     []exactDoc
}

type exactDoc struct {
	ticket string
	norm   float64
	terms  map[string]bool
}

func newExactSimilar(docs []projections.SearchDocument) *exactSimilar {
	x := &exactSimilar{holders: map[string][]int{}, messages: map[string]int{}}
	for _, d := range docs {
		terms := searchtext.Terms(d.Text)
		x.total++
		for _, t := range terms {
			x.messages[t]++
		}
		if d.Internal {
			continue
		}
		set := make(map[string]bool, len(terms))
		for _, t := range terms {
			set[t] = true
			x.holders[t] = append(x.holders[t], len(x.docs))
		}
		x.docs = append(x.docs, exactDoc{ticket: d.TicketID, norm: math.Sqrt(math.Sqrt(float64(max(len(terms), 1)))), terms: set})
	}
	return x
}

// rank scores every ticket with a public message holding a query term: its best
// message's score, by ticket.
func (x *exactSimilar) rank(terms []string) map[string]float64 {
	weights := map[string]float64{}
	for _, t := range terms {
		if n := x.messages[t]; n > 0 {
			weights[t] = math.Log(float64(x.total) / float64(n))
		}
	}
	scores := map[int]float64{}
	for t, w := range weights {
		for _, i := range x.holders[t] {
			scores[i] += w
		}
	}
	best := map[string]float64{}
	for i, s := range scores {
		d := x.docs[i]
		best[d.ticket] = max(best[d.ticket], s/d.norm)
	}
	return best
}

// judge compares a backend's answer with the exact ranking at depth k: the exact scores
// of the answer's first k tickets summed over those of the exact first k (1: as good as
// the exact answer), and the share of the exact best score the answer's first reaches.
func judge(best map[string]float64, hits []projections.SearchHit, k int) (recall, top float64) {
	exact := make([]float64, 0, len(best))
	for _, s := range best {
		exact = append(exact, s)
	}
	slices.SortFunc(exact, func(a, b float64) int { return cmp.Compare(b, a) })
	var want, got float64
	for i := 0; i < k && i < len(exact); i++ {
		want += exact[i]
	}
	for i := 0; i < k && i < len(hits); i++ {
		got += best[hits[i].TicketID]
	}
	if want == 0 {
		return 1, 1
	}
	if len(hits) > 0 {
		top = best[hits[0].TicketID] / exact[0]
	}
	return got / want, top
}

// measureQuality reports how close the backend's similar tickets come to the exact
// ranking (PostgreSQL's score: for bleve, whose TF-IDF differs, only indicative).
func measureQuality(ctx context.Context, si projections.SimilarIndex, docs []projections.SearchDocument, texts []string, out io.Writer) error {
	x := newExactSimilar(docs)
	var r5, r40, first []float64
	worst, worstText := 2.0, ""
	for _, text := range texts {
		terms := projections.SimilarTerms(text)
		hits, err := si.Similar(ctx, projections.SimilarQuery{Terms: terms, Limit: 40})
		if err != nil {
			return err
		}
		best := x.rank(terms)
		a, top := judge(best, hits, 5)
		b, _ := judge(best, hits, 40)
		r5, r40, first = append(r5, a), append(r40, b), append(first, top)
		if a < worst {
			worst, worstText = a, text
		}
	}
	if worst < 1 {
		fmt.Fprintf(out, "  quality: the worst answer (score recall %.4f, first 5) is to %q\n", worst, worstText)
	}
	for _, m := range []struct {
		name string
		vs   []float64
	}{{"score recall, first 5", r5}, {"score recall, first 40", r40}, {"first hit / exact best", first}} {
		slices.Sort(m.vs)
		sum := 0.0
		for _, v := range m.vs {
			sum += v
		}
		fmt.Fprintf(out, "  quality: %-24s mean %.4f  min %.4f  p10 %.4f\n", m.name, sum/float64(max(1, len(m.vs))), m.vs[0], m.vs[len(m.vs)/10])
	}
	return nil
}
