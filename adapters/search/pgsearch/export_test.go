package pgsearch

// SearchSQL is the query Search runs, for the test that explains it.
const SearchSQL = searchSQL

// SetCandidateBounds makes the bounds of similar tickets' candidates small enough for
// the 1,000-ticket corpus to need every tier.
func SetCandidateBounds(x *Index, completeBudget, enough int) {
	x.bounds.completeBudget, x.bounds.enough = completeBudget, enough
}

// NextTerms is how many terms after those read whole similar tickets read together
// (conjunctions) or, when those find too few candidates, one by one.
func NextTerms() int { return defaultBounds.next }
