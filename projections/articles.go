package projections

import (
	"context"
	"sort"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/domain"
)

// Articles is the stable name of the knowledge base's read model: one row per article,
// its whole state (every revision), for GET /articles, the help center's article
// search, and a ticket's relevant articles (articles_search.go).
const Articles = "articles"

// articlesProjection folds an article's events with the aggregate's own Apply, so the
// read model agrees with the write side by construction.
var articlesProjection = Declare(Spec[domain.ArticleState]{
	Name: Articles, Reads: ArticleStreams,
	Empty: func(id uuid.UUID) domain.ArticleState { s := domain.NewArticle().State(); s.ID = id; return s },
	Fold: func(s domain.ArticleState, e *Event) domain.ArticleState {
		a := domain.RestoreArticle(s)
		a.Apply(e.Data, e.At())
		return a.State()
	},
	Head: func(s *domain.ArticleState) (*uuid.UUID, *int64) { return &s.ID, &s.Version },
	Table: Table{
		Name: "rm_articles", Key: []string{"article_id"},
		Columns: []Column{
			Col("article_id", "uuid", func(s *domain.ArticleState) uuid.UUID { return s.ID }),
			Col("version", "bigint", func(s *domain.ArticleState) int64 { return s.Version }),
			Col("status", "text", func(s *domain.ArticleState) string { return string(s.Status) }),
			Col("category", "text", func(s *domain.ArticleState) string { return s.Latest().Content.Category }),
			Col("live_revision", "integer", func(s *domain.ArticleState) int { return s.Live }),
			Col("revisions", "integer", func(s *domain.ArticleState) int { return len(s.Revisions) }),
			SnapshotCol("state"),
		},
		Read: []string{"state"}, Scan: ScanSnapshot[domain.ArticleState],
	},
})

// ArticleRows is every article, newest change first (then by id), the read model caught
// up with what the event store held when the call came (settle).
func (s *Service) ArticleRows(ctx context.Context) ([]domain.ArticleState, error) {
	if err := s.settle(ctx, Articles); err != nil {
		return nil, err
	}
	rows, err := s.Store.Rows(ctx, Articles)
	if err != nil {
		return nil, err
	}
	out := make([]domain.ArticleState, 0, len(rows))
	for _, r := range rows {
		out = append(out, *r.(*domain.ArticleState))
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].UpdatedAt.Equal(out[j].UpdatedAt) {
			return out[i].UpdatedAt.After(out[j].UpdatedAt)
		}
		return out[i].ID.String() < out[j].ID.String()
	})
	return out, nil
}
