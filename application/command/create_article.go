package command

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// CreateArticle drafts a new article (POST /articles): revision 1, by the command's actor.
type CreateArticle struct {
	Content       domain.ArticleContent
	SourceTickets []uuid.UUID
}

// CreateArticleHandler handles CreateArticle.
type CreateArticleHandler struct{ s streams }

// NewCreateArticleHandler returns the handler on its ports; it panics when store or clock is nil.
func NewCreateArticleHandler(store eventlog.EventStore, clock application.Clock, cache *StreamCache) CreateArticleHandler {
	return CreateArticleHandler{s: newStreams("CreateArticleHandler", store, clock, cache)}
}

// Handle appends ArticleDrafted to a new stream. The id derives from the idempotency key
// when there is one, so a repeated request names the article the first one made.
func (h CreateArticleHandler) Handle(ctx context.Context, c CreateArticle, meta CommandMeta) (ArticleResult, error) {
	return createArticle(ctx, h.s, c, meta)
}

func createArticle(ctx context.Context, s streams, c CreateArticle, meta CommandMeta) (ArticleResult, error) {
	id := uuid.New()
	if meta.IdempotencyKey != "" {
		id = derivedID(eventlog.ArticleStreamPrefix, meta.Actor, meta.IdempotencyKey)
	}
	meta.ExpectedVersion = nil // a new stream: If-Match names no version of it
	return articleUpdate(ctx, s, id, meta, func(a *domain.Article, _ time.Time) ([]domain.Event, error) {
		return a.CreateArticle(id, c.Content, meta.Actor, c.SourceTickets)
	})
}
