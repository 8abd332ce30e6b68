package pgsearch

import (
	"strconv"
	"strings"
)

// How similar tickets choose the messages they score (docs/KNOWLEDGE.md). Reading a
// term's posting list costs in proportion to the messages holding it, and scoring a
// message costs a heap row, so both are bounded whatever the terms. The candidates come
// in tiers:
//
//  1. whole: every public message holding one of the rarest query terms, taken rarest
//     first while the messages holding them add up to at most completeBudget (the term
//     statistics are exact, so this is known before the query runs);
//  2. conjunctions of the next `next` rarest terms (all of them, then all but the
//     commonest, … down to three, then each pair of the four rarest): at most enough
//     messages holding every term of a set, a set read only while the sets before it
//     found fewer than enough. The GIN index intersects the posting lists, and a message
//     sharing several of the query's rarer terms is the likeliest good match even when
//     each term alone is common;
//  3. singles: only when the conjunctions (or, without them, the whole tier) found fewer
//     than enough, at most enough messages holding each of those next terms.
//
// The whole tier does not stop the conjunctions: its messages may share one term only
// (a term 800 messages of other topics hold), while the best matches share several less
// rare ones. A capped read takes its messages in the table's order, not by score: among
// many messages sharing the same terms, which ones are scored is arbitrary.
type candidateBounds struct {
	completeBudget, enough, next int
}

var defaultBounds = candidateBounds{completeBudget: 1000, enough: 200, next: 6}

// similarStatement is the query over the candidates of the held terms (rarest first):
// each candidate scored by the weights ($2) of the query terms ($1) it holds over a
// damped length norm (the fourth root of its term count), each ticket's best message
// kept, the best limit tickets first. The terms of the candidates are unnested and
// joined to the query's: a subquery per row scanning the row's array once per query
// term cost three times as much.
func similarStatement(held []heldTerm, limit int, b candidateBounds) (string, []any) {
	terms, weights := make([]string, len(held)), make([]float64, len(held))
	for i, h := range held {
		terms[i], weights[i] = h.term, h.weight
	}
	s := statement{args: []any{terms, weights}, enough: b.enough}
	w, sum := 0, int64(0)
	for w < len(held) && sum+held[w].messages <= int64(b.completeBudget) {
		sum += held[w].messages
		w++
	}
	var wholeTier []string
	if w > 0 {
		wholeTier = []string{s.tier(s.read(`terms && ` + s.param(terms[:w]) + `::text[]`))}
	}
	next := terms[w:min(w+b.next, len(terms))]
	var pairTiers []string
	for _, set := range conjunctions(len(next)) {
		all := make([]string, len(set))
		for k, i := range set {
			all[k] = next[i]
		}
		pairTiers = append(pairTiers, s.tier(s.capped(all, s.fewer(pairTiers))))
	}
	gate := s.fewer(pairTiers)
	if len(pairTiers) == 0 {
		gate = s.fewer(wholeTier)
	}
	var singles []string
	for _, t := range next {
		singles = append(singles, s.capped([]string{t}, gate))
	}
	if len(singles) > 0 {
		s.tier(strings.Join(singles, "\n\tUNION ALL "))
	}
	var ctes, union []string
	for i, t := range s.tiers {
		name := tierName(i)
		ctes = append(ctes, name+` AS MATERIALIZED (`+t+`)`)
		union = append(union, `SELECT * FROM `+name)
	}
	sql := `WITH ` + strings.Join(ctes, ",\n") + `,
candidates AS (` + strings.Join(union, " UNION ") + `),
scored AS (
	SELECT c.ticket_id, c.message_id, sum(q.w) / sqrt(sqrt(greatest(min(c.n), 1))) AS score
	FROM (SELECT ticket_id, message_id, cardinality(terms) AS n, unnest(terms) AS t FROM candidates) c
	JOIN unnest($1::text[], $2::float8[]) AS q(t, w) ON q.t = c.t
	GROUP BY c.ticket_id, c.message_id
)
SELECT ticket_id::text, score FROM (
	SELECT DISTINCT ON (ticket_id) ticket_id, score FROM scored ORDER BY ticket_id, score DESC, message_id
) best ORDER BY score DESC, ticket_id LIMIT ` + s.param(limit)
	return sql, s.args
}

// conjunctions are the sets of the next n terms read together, larger sets first: the
// k rarest for k from n down to 3, then each pair of the 4 rarest, the rarer first.
func conjunctions(n int) [][]int {
	var out [][]int
	for k := n; k > 2; k-- { // the k rarest of them
		set := make([]int, k)
		for i := range set {
			set[i] = i
		}
		out = append(out, set)
	}
	for j := 1; j < min(n, 4); j++ { // then pairs of the 4 rarest: (0,1), (0,2), (1,2), (0,3), …
		for i := 0; i < j; i++ {
			out = append(out, []int{i, j})
		}
	}
	return out
}

// statement collects the tiers of candidates and the parameters of the query.
type statement struct {
	args   []any
	tiers  []string
	enough int
}

func tierName(i int) string { return "tier" + strconv.Itoa(i+1) }

func (s *statement) param(v any) string {
	s.args = append(s.args, v)
	return "$" + strconv.Itoa(len(s.args))
}

// tier adds a tier and returns its name.
func (s *statement) tier(sql string) string {
	s.tiers = append(s.tiers, sql)
	return tierName(len(s.tiers) - 1)
}

// read is the public messages meeting cond, as candidates.
func (s *statement) read(cond string) string {
	return `SELECT message_id, ticket_id, terms FROM rm_search_documents WHERE ` + cond + ` AND NOT internal`
}

// capped reads at most enough messages holding all the terms, only when gate holds: a
// condition on no row, which PostgreSQL checks once before the scan (a One-Time
// Filter), so that a read not needed touches no posting list.
func (s *statement) capped(all []string, gate string) string {
	cond := `terms @> ` + s.param(all) + `::text[]`
	if gate != "" {
		cond += ` AND ` + gate
	}
	return `(` + s.read(cond) + ` LIMIT ` + strconv.Itoa(s.enough) + `)`
}

// fewer is the gate "the tiers found fewer than enough candidates" ("" for no tiers).
func (s *statement) fewer(tiers []string) string {
	if len(tiers) == 0 {
		return ""
	}
	counts := make([]string, len(tiers))
	for i, t := range tiers {
		counts[i] = "(SELECT count(*) FROM " + t + ")"
	}
	return strings.Join(counts, " + ") + " < " + strconv.Itoa(s.enough)
}
