package projections

import (
	"context"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/domain"
)

// ArticleFeedback is the stable name of the read model of "did this help?": one row per
// article anyone voted on, its counts (domain.FeedbackCounts), folded from the votes'
// events alone (each says whether it turns an earlier vote over), for the article reads
// of the API, the help center and the desk (docs/KNOWLEDGE.md).
const ArticleFeedback = "article_feedback"

// FeedbackRow is a row of article_feedback.
type FeedbackRow struct {
	ArticleID uuid.UUID `json:"article_id"`
	Version   int64     `json:"version"`
	domain.FeedbackCounts
}

var articleFeedbackProjection = Declare(Spec[FeedbackRow]{
	Name: ArticleFeedback, Reads: ArticleFeedbackStreams,
	Empty: func(id uuid.UUID) FeedbackRow { return FeedbackRow{ArticleID: id, Version: -1} },
	Fold: func(r FeedbackRow, e *Event) FeedbackRow {
		r.ArticleID, r.Version = e.ID, e.Version()
		if v, ok := e.Data.(domain.ArticleVoted); ok {
			r.FeedbackCounts = r.Count(v)
		}
		return r
	},
	Head: func(r *FeedbackRow) (*uuid.UUID, *int64) { return &r.ArticleID, &r.Version },
	Table: Table{
		Name: "rm_article_feedback", Key: []string{"article_id"},
		Columns: []Column{
			Col("article_id", "uuid", func(r *FeedbackRow) uuid.UUID { return r.ArticleID }),
			Col("version", "bigint", func(r *FeedbackRow) int64 { return r.Version }),
			Col("helpful", "integer", func(r *FeedbackRow) int { return r.Helpful }),
			Col("not_helpful", "integer", func(r *FeedbackRow) int { return r.NotHelpful }),
		},
		Read: []string{"article_id", "version", "helpful", "not_helpful"},
		Scan: func(scan func(dest ...any) error) (Row, error) {
			var r FeedbackRow
			if err := scan(&r.ArticleID, &r.Version, &r.Helpful, &r.NotHelpful); err != nil {
				return nil, err
			}
			return &r, nil
		},
	},
})

// ArticleFeedback is every article's counts by article id (an article nobody voted on
// has none: zero counts), the read model caught up with what the event store held when
// the call came (settle). One row per article voted on: read whole, as the articles are.
func (s *Service) ArticleFeedback(ctx context.Context) (map[uuid.UUID]domain.FeedbackCounts, error) {
	if err := s.settle(ctx, ArticleFeedback); err != nil {
		return nil, err
	}
	rows, err := s.Store.Rows(ctx, ArticleFeedback)
	if err != nil {
		return nil, err
	}
	out := make(map[uuid.UUID]domain.FeedbackCounts, len(rows))
	for _, r := range rows {
		f := r.(*FeedbackRow)
		out[f.ArticleID] = f.FeedbackCounts
	}
	return out, nil
}
