package web

import (
	"net/http"
	"net/url"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/access"
	"github.com/ticketengine/ticketengine/domain"
)

// "Did this help?" on an article's page (docs/KNOWLEDGE.md): two submit buttons of one
// plain form, named helpful with the values yes and no, so no script is needed and the
// keyboard reaches both. The vote is the browser's (its help-center cookie, the same one
// deflections use): one per browser and article, which a second answer changes. The
// cross-origin protection of every page's POST (server.go) keeps other sites from voting
// in a visitor's name. A vote counts against its client address's budget (VoteLimiter,
// access.VoteBudget a minute, shared with POST /portal/articles/{id}/feedback): a script
// with a fresh cookie per post is held to it. The same vote again changes nothing and is
// given back; every other vote reaching the application counts, a refused one not.

// helpFeedbackView is the section's data: the counts, and the answer just given (from
// the redirect after a vote: ?voted=yes|no) to thank the visitor for.
type helpFeedbackView struct {
	Counts domain.FeedbackCounts
	Voted  string
}

// helpfulValues maps the form's values to the vote.
var helpfulValues = map[string]bool{"yes": true, "no": false}

// voteOnArticle is POST /help/articles/{id}/feedback (helpful=yes|no): it records the
// vote and goes back to the article's page, at its feedback section.
func (s *Server) voteOnArticle(w http.ResponseWriter, r *http.Request) {
	id, f, ok := s.readIDForm(w, r)
	if !ok {
		return
	}
	answer := f.values["helpful"]
	helpful, ok := helpfulValues[answer]
	if !ok {
		s.failWith(w, r, invalid("helpful", "must be yes or no"))
		return
	}
	addr := s.clientAddr(r)
	if !s.VoteLimiter.Take(addr) {
		s.failWith(w, r, access.ErrRateLimited)
		return
	}
	visitor, _ := s.helpVisitor(w, r, true)
	_, recorded, err := s.Knowledge.Vote(r.Context(), visitor, id, helpful, meta(access.Customer))
	if err == nil && !recorded {
		s.VoteLimiter.Refund(addr)
	}
	if err != nil {
		s.failWith(w, r, err)
		return
	}
	http.Redirect(w, r, "/help/articles/"+url.PathEscape(id.String())+"?voted="+answer+"#feedback", http.StatusSeeOther)
}

// helpFeedback is the feedback section of article id's page; a failed read of the
// counts shows none rather than no page (the article is what the visitor came for).
func (s *Server) helpFeedback(r *http.Request, id uuid.UUID) helpFeedbackView {
	v := helpFeedbackView{}
	if _, ok := helpfulValues[r.URL.Query().Get("voted")]; ok {
		v.Voted = r.URL.Query().Get("voted")
	}
	counts, err := s.Knowledge.Feedback(r.Context())
	if err != nil {
		s.Logger.Warn("article feedback not read", "err", err.Error())
		return v
	}
	v.Counts = counts[id]
	return v
}

// deskFeedback is every article's counts for the desk's pages (none on a failed read).
func (s *Server) deskFeedback(r *http.Request) map[uuid.UUID]domain.FeedbackCounts {
	counts, err := s.Knowledge.Feedback(r.Context())
	if err != nil {
		s.Logger.Warn("article feedback not read", "err", err.Error())
	}
	return counts
}
