package projections

import (
	"math"
	"sort"
	"strings"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections/searchtext"
)

// Article search runs over the articles read model with the search analyzer
// (projections/searchtext), in process: a knowledge base holds hundreds or thousands of
// articles, not the hundreds of thousands of messages the ticket index holds, and both
// read-model stores give the same rows, so both give the same hits by construction.
//
// Two ways of matching, on the revision a reader sees (the live one for customers, the
// latest for staff):
//   - a query (GET /articles?q=, /portal/articles?q=): every query term must be in the
//     article (title, body, category or tags), as in ticket search;
//   - suggestions (the help center while a customer writes, a ticket's relevant articles):
//     any term counts, ranked by BM25, so a long text finds the articles that share its
//     rarer words.
//
// Scores are BM25 (k1 1.2, b 0.75) over the articles searched, the title counted three
// times: comparable within one answer only.

// ArticleHit is one article found and its score.
type ArticleHit struct {
	Article  domain.ArticleState
	Revision domain.ArticleRevision // the revision matched (live for customers, latest for staff)
	Score    float64
}

// ArticleMatch says how to match: all query terms (a search) or any (suggestions).
type ArticleMatch uint8

const (
	MatchAllTerms ArticleMatch = iota
	MatchAnyTerm
)

// ArticleSearch is one article search.
type ArticleSearch struct {
	Text          string
	Match         ArticleMatch
	PublishedOnly bool // customers: live revisions of articles not archived
	Status        domain.ArticleStatus
	Limit         int
}

// SearchArticles ranks rows for s, best first (ties by id); with no terms it keeps every
// eligible article in the rows' order, score 0.
func SearchArticles(rows []domain.ArticleState, s ArticleSearch) []ArticleHit {
	docs := make([]articleDoc, 0, len(rows))
	for _, a := range rows {
		rev, ok := visibleRevision(a, s)
		if !ok {
			continue
		}
		docs = append(docs, newArticleDoc(a, rev))
	}
	terms := searchtext.QueryTerms(s.Text)
	var hits []ArticleHit
	if len(terms) == 0 {
		if strings.TrimSpace(s.Text) != "" && s.Match == MatchAllTerms {
			return nil // only separators: nothing to search, as ticket search
		}
		for _, d := range docs {
			hits = append(hits, ArticleHit{Article: d.article, Revision: d.rev})
		}
		return limitHits(hits, s.Limit)
	}
	idf := inverseFrequencies(docs, terms)
	avg := averageLength(docs)
	for _, d := range docs {
		score, matched := d.bm25(terms, idf, avg)
		if matched == 0 || (s.Match == MatchAllTerms && matched < len(terms)) {
			continue
		}
		hits = append(hits, ArticleHit{Article: d.article, Revision: d.rev, Score: score})
	}
	sort.SliceStable(hits, func(i, j int) bool {
		if hits[i].Score != hits[j].Score {
			return hits[i].Score > hits[j].Score
		}
		return hits[i].Article.ID.String() < hits[j].Article.ID.String()
	})
	return limitHits(hits, s.Limit)
}

func limitHits(h []ArticleHit, limit int) []ArticleHit {
	if limit > 0 && len(h) > limit {
		return h[:limit]
	}
	return h
}

// visibleRevision is the revision a search reads: the live one for customers, else the
// latest, when the article passes the status filter.
func visibleRevision(a domain.ArticleState, s ArticleSearch) (domain.ArticleRevision, bool) {
	if s.PublishedOnly {
		return a.Published()
	}
	if s.Status != "" && a.Status != s.Status {
		return domain.ArticleRevision{}, false
	}
	return a.Latest(), len(a.Revisions) > 0
}

// articleDoc is a revision's term frequencies and length.
type articleDoc struct {
	article domain.ArticleState
	rev     domain.ArticleRevision
	tf      map[string]int
	length  int
}

func newArticleDoc(a domain.ArticleState, rev domain.ArticleRevision) articleDoc {
	c := rev.Content
	title := c.Title.Zh + "\n" + c.Title.En
	all := strings.Join([]string{title, title, title, c.Body.Zh, c.Body.En, c.Category, strings.Join(c.Tags, " ")}, "\n")
	d := articleDoc{article: a, rev: rev, tf: map[string]int{}}
	for _, t := range searchtext.Analyze(all) {
		d.tf[t.Term]++
		d.length++
	}
	return d
}

func inverseFrequencies(docs []articleDoc, terms []string) map[string]float64 {
	idf := make(map[string]float64, len(terms))
	n := float64(len(docs))
	for _, t := range terms {
		df := 0.0
		for _, d := range docs {
			if d.tf[t] > 0 {
				df++
			}
		}
		idf[t] = math.Log(1 + (n-df+0.5)/(df+0.5))
	}
	return idf
}

func averageLength(docs []articleDoc) float64 {
	if len(docs) == 0 {
		return 1
	}
	sum := 0
	for _, d := range docs {
		sum += d.length
	}
	return math.Max(1, float64(sum)/float64(len(docs)))
}

// bm25 is the document's score for the terms and how many of them it holds.
func (d articleDoc) bm25(terms []string, idf map[string]float64, avg float64) (float64, int) {
	const k1, b = 1.2, 0.75
	score, matched := 0.0, 0
	for _, t := range terms {
		f := float64(d.tf[t])
		if f == 0 {
			continue
		}
		matched++
		score += idf[t] * f * (k1 + 1) / (f + k1*(1-b+b*float64(d.length)/avg))
	}
	return score, matched
}

// ArticleByID finds an article among rows.
func ArticleByID(rows []domain.ArticleState, id uuid.UUID) (domain.ArticleState, bool) {
	for _, a := range rows {
		if a.ID == id {
			return a, true
		}
	}
	return domain.ArticleState{}, false
}
