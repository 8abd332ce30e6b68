package httpapi

import (
	"context"
	"fmt"
	"net/http"

	"github.com/google/uuid"
	"github.com/gorilla/mux"

	"github.com/ticketengine/ticketengine/application/access"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections"
)

// "Did this help?" (docs/KNOWLEDGE.md): anyone votes on a published article, once per
// visitor (a random id the client keeps, as the help center keeps one in its cookie),
// and may change the vote; the article reads show the counts. Votes are anonymous, so a
// client address has a budget of them (VoteLimiter, access.VoteBudget a minute, shared
// with the help center's form): past it, 429 with Retry-After. The same vote again
// (nothing recorded, or an Idempotency-Key replay) is given back; every other well-formed
// vote counts, a 404 included, a refused one not.

// ArticleFeedbackReads is every article's counts: *projections.Service implements it.
type ArticleFeedbackReads interface {
	ArticleFeedback(ctx context.Context) (map[uuid.UUID]domain.FeedbackCounts, error)
}

var _ ArticleFeedbackReads = (*projections.Service)(nil)

// feedbackRequest is the body of POST /portal/articles/{id}/feedback. Pointers tell a
// field left out (422) from false.
type feedbackRequest struct {
	Visitor *string `json:"visitor"`
	Helpful *bool   `json:"helpful"`
}

// feedbackView is an article's counts after a vote; recorded is false for the same vote
// again (nothing changed), true for an Idempotency-Key repeat of a recorded vote.
type feedbackView struct {
	ArticleID  uuid.UUID `json:"article_id"`
	Helpful    int       `json:"helpful"`
	NotHelpful int       `json:"not_helpful"`
	Recorded   bool      `json:"recorded"`
}

func (s *Server) articleFeedbackRoutes(r *mux.Router) {
	s.portalRoute(r, http.MethodPost, "/portal/articles/{id}/feedback", "article_feedback", access.ArticleFeedback, s.voteOnArticle)
}

// voteOnArticle is POST /portal/articles/{id}/feedback {"visitor","helpful"}: a draft,
// an archived article and an unknown id are the same 404 as GET /portal/articles/{id}.
func (s *Server) voteOnArticle(w http.ResponseWriter, r *http.Request) {
	addr := s.clientAddr(r)
	id, err := articleID(r)
	var req feedbackRequest
	var meta command.CommandMeta
	if err == nil {
		meta, err = decodeCommand(w, r, s.portalClient(addr), &req, false)
	}
	var visitor uuid.UUID
	if err == nil {
		visitor, err = req.check()
	}
	if err == nil && !s.VoteLimiter.Take(addr) {
		err = fmt.Errorf("%w: too many votes from this address", errRateLimited)
	}
	var res command.FeedbackResult
	if err == nil {
		res, err = s.Commands.Articles.Vote.Handle(r.Context(), command.VoteOnArticle{ArticleID: id, Visitor: visitor, Helpful: *req.Helpful}, meta)
		if err == nil && len(res.Appended) == 0 {
			s.VoteLimiter.Refund(addr) // the same vote again: it cost nothing
		}
	}
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, feedbackView{ArticleID: id, Helpful: res.Counts.Helpful, NotHelpful: res.Counts.NotHelpful,
		Recorded: len(res.Appended) > 0 || res.Replayed})
}

// check: both fields are required (422 when left out); a visitor that is not a UUID is
// a malformed value (400), as a wrong JSON type is.
func (b feedbackRequest) check() (uuid.UUID, error) {
	switch {
	case b.Visitor == nil:
		return uuid.Nil, fieldError("visitor", "is required: a random UUID the client keeps, one per browser or device")
	case b.Helpful == nil:
		return uuid.Nil, fieldError("helpful", "is required: true or false")
	}
	v, err := uuid.Parse(*b.Visitor)
	if err != nil || v == uuid.Nil || v.String() != *b.Visitor {
		return uuid.Nil, edgeFieldError("visitor", "must be a UUID in lower-case canonical form, not the nil UUID")
	}
	return v, nil
}

// feedbackCounts is every article's counts, or nil when this process has no read side
// that keeps them (the reads then leave the counts out).
func (s *Server) feedbackCounts(ctx context.Context) (map[uuid.UUID]domain.FeedbackCounts, error) {
	fr, ok := s.ReadSide.(ArticleFeedbackReads)
	if !ok {
		return nil, nil
	}
	counts, err := fr.ArticleFeedback(ctx)
	if counts == nil && err == nil {
		counts = map[uuid.UUID]domain.FeedbackCounts{}
	}
	return counts, err
}

// helpfulness is an article's counts as the reads show them: both nil without counts.
func helpfulness(counts map[uuid.UUID]domain.FeedbackCounts, id uuid.UUID) (helpful, notHelpful *int) {
	if counts == nil {
		return nil, nil
	}
	c := counts[id]
	return &c.Helpful, &c.NotHelpful
}
