package pgsearch

import (
	"context"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"
)

// termDelta is what one batch changes in the term statistics (rm_search_terms,
// migration 00021): per term, the messages holding it added less those removed; and
// the messages added less those removed. Each message's terms are distinct
// (searchtext.Terms), so a message counts once per term.
type termDelta struct {
	terms    map[string]int
	messages int64
}

func (d *termDelta) add(terms []string)    { d.change(terms, 1) }
func (d *termDelta) remove(terms []string) { d.change(terms, -1) }

func (d *termDelta) change(terms []string, by int) {
	if d.terms == nil {
		d.terms = map[string]int{}
	}
	for _, t := range terms {
		d.terms[t] += by
	}
	d.messages += int64(by)
}

// write adds the delta to the statistics in one statement, the terms in order (two
// writers meeting on the same terms lock them in the same order), and drops the terms
// no message holds any more.
func (d *termDelta) write(ctx context.Context, tx pgx.Tx) error {
	terms := make([]string, 0, len(d.terms))
	for t, n := range d.terms {
		if n != 0 {
			terms = append(terms, t)
		}
	}
	if len(terms) == 0 {
		return nil
	}
	slices.Sort(terms)
	counts := make([]int32, len(terms))
	var fewer []string
	for i, t := range terms {
		counts[i] = int32(d.terms[t])
		if counts[i] < 0 {
			fewer = append(fewer, t)
		}
	}
	_, err := tx.Exec(ctx, `INSERT INTO rm_search_terms (term, messages) SELECT * FROM unnest($1::text[], $2::integer[])
		ON CONFLICT (term) DO UPDATE SET messages = rm_search_terms.messages + EXCLUDED.messages`, terms, counts)
	if err != nil {
		return fmt.Errorf("search term statistics: %w", err)
	}
	if len(fewer) > 0 {
		if _, err := tx.Exec(ctx, `DELETE FROM rm_search_terms WHERE term = ANY($1) AND messages <= 0`, fewer); err != nil {
			return fmt.Errorf("search term statistics: %w", err)
		}
	}
	return nil
}
