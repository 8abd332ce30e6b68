package command

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// articleFeedbackFolder folds article feedback streams; a vote does not depend on its time.
var articleFeedbackFolder = folderOf(domain.NewArticleFeedback, domain.RestoreArticleFeedback, domain.DecodeArticleFeedbackEvent,
	func(f *domain.ArticleFeedback, e domain.Event, _ time.Time) { f.Apply(e) })

// VoteOnArticle is a help-center visitor's answer to "did this help?" on a published
// article (POST /help/articles/{id}/feedback, POST /portal/articles/{id}/feedback).
// Visitor is the random id of the browser's cookie, or an API client's own.
type VoteOnArticle struct {
	ArticleID uuid.UUID
	Visitor   uuid.UUID
	Helpful   bool
}

// FeedbackResult is an article's counts after a vote and what it appended: nothing for
// the same vote again. Replayed: an idempotent repeat of a vote that was recorded
// (Counts as that vote left them).
type FeedbackResult struct {
	Counts   domain.FeedbackCounts
	Appended []eventlog.Record
	Replayed bool
}

// VoteOnArticleHandler handles VoteOnArticle.
type VoteOnArticleHandler struct{ s streams }

// NewVoteOnArticleHandler returns the handler on its ports; it panics when store or clock is nil.
func NewVoteOnArticleHandler(store eventlog.EventStore, clock application.Clock, cache *StreamCache) VoteOnArticleHandler {
	return VoteOnArticleHandler{s: newStreams("VoteOnArticleHandler", store, clock, cache)}
}

// Handle records the vote on the article's feedback stream. Only a published article
// takes votes: a draft, an archived article and an unknown id are the same ErrNotFound,
// as in the help center.
func (h VoteOnArticleHandler) Handle(ctx context.Context, c VoteOnArticle, meta CommandMeta) (FeedbackResult, error) {
	a, err := LoadArticle(ctx, h.s.store, c.ArticleID)
	if err == nil {
		if _, live := a.Published(); !live {
			err = application.ErrNotFound
		}
	}
	if err != nil {
		return FeedbackResult{}, fmt.Errorf("%w: no article has the id %s", application.ErrNotFound, c.ArticleID)
	}
	meta.ExpectedVersion = nil // votes of other visitors may land in between: decided again on a lost race
	var out outcome[*domain.ArticleFeedback]
	for attempt := 1; ; attempt++ {
		out, err = update(ctx, h.s, eventlog.ArticleFeedbackStream(c.ArticleID), meta, articleFeedbackFolder,
			func(f *domain.ArticleFeedback, _ time.Time) ([]domain.Event, error) {
				return f.Vote(c.Visitor, c.Helpful)
			})
		if !errors.Is(err, application.ErrConflict) || attempt == voteAttempts {
			break
		}
		// Every visitor of a popular article votes on its one stream: a vote that lost
		// twice to others is decided again a moment later (each round some vote wins).
		select {
		case <-ctx.Done():
			return FeedbackResult{}, ctx.Err()
		case <-time.After(time.Duration(1+rand.IntN(attempt*2)) * time.Millisecond):
		}
	}
	if err != nil {
		return FeedbackResult{}, err
	}
	return FeedbackResult{Counts: out.Agg.State().Counts, Appended: out.Appended, Replayed: out.Replayed}, nil
}

// voteAttempts bounds the rounds of a vote that keeps losing to concurrent ones (each
// round is update's two tries); past it the vote is application.ErrConflict (409).
const voteAttempts = 20
