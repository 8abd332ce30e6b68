package access

import "time"

// "Did this help?" votes (docs/KNOWLEDGE.md) are anonymous: a visitor is a cookie or a
// client-kept id, so a script with a fresh one per request could move an article's counts
// without bound. VoteBudget votes per VoteWindow per client address bound that, shared by
// the help center's form and POST /portal/articles/{id}/feedback. 30 a minute is far more
// than a person reading articles gives (one vote per article read, a changed mind now
// and then; a household or office behind one address reads in parallel), while a script
// is held to 43,200 a day per address instead of thousands a second.
const (
	VoteBudget = 30
	VoteWindow = time.Minute
)

// NewVoteLimiter is a limiter of this process alone with the vote budget (the servers'
// default when they are given none; ticketd shares one through its counters).
func NewVoteLimiter() *Limiter { return NewLimiter(VoteBudget, VoteWindow) }
