package command

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// articleFolder folds article streams.
var articleFolder = folderOf(domain.NewArticle, domain.RestoreArticle, domain.DecodeArticleEvent, (*domain.Article).Apply)

// ArticleResult is an article after a command.
type ArticleResult struct {
	Article  domain.ArticleState
	Appended []eventlog.Record
	Replayed bool
}

// articleCommand is a command that changes one existing article and differs from the
// others only in its domain decision (article_commands.go), as ticketCommand does for
// tickets. The decision gets the actor: authors and approvers are event actors.
type articleCommand interface {
	article() uuid.UUID
	decide(a *domain.Article, actor string) ([]domain.Event, error)
}

// ArticleHandler handles every command of type C on an existing article: read, fold,
// decide, append at the version read (or If-Match's), written once in update.
type ArticleHandler[C articleCommand] struct{ s streams }

func newArticleHandler[C articleCommand](store eventlog.EventStore, clock application.Clock, cache *StreamCache) ArticleHandler[C] {
	var c C
	name := strings.TrimPrefix(fmt.Sprintf("%T", c), "command.") + "Handler"
	return ArticleHandler[C]{s: newStreams(name, store, clock, cache)}
}

// Handle runs the command's decision on its article.
func (h ArticleHandler[C]) Handle(ctx context.Context, c C, meta CommandMeta) (ArticleResult, error) {
	return articleUpdate(ctx, h.s, c.article(), meta, func(a *domain.Article, _ time.Time) ([]domain.Event, error) {
		return c.decide(a, meta.Actor)
	})
}

// articleUpdate runs a decision on one article; an article that does not exist after it
// is ErrNotFound.
func articleUpdate(ctx context.Context, s streams, id uuid.UUID, meta CommandMeta,
	decide func(*domain.Article, time.Time) ([]domain.Event, error)) (ArticleResult, error) {
	out, err := update(ctx, s, eventlog.ArticleStream(id), meta, articleFolder, decide)
	if err != nil {
		return ArticleResult{}, err
	}
	if !out.Agg.Exists() {
		return ArticleResult{}, fmt.Errorf("%w: no article has the id %s", application.ErrNotFound, id)
	}
	return ArticleResult{Article: out.Agg.State(), Appended: out.Appended, Replayed: out.Replayed}, nil
}

// LoadArticle reads an article as it stands (GET /articles/{id}, the help center's
// article page): folded from its stream, so always current. ErrNotFound when none.
func LoadArticle(ctx context.Context, store eventlog.EventStore, id uuid.UUID) (domain.ArticleState, error) {
	recs, err := store.ReadStream(ctx, eventlog.ArticleStream(id))
	if err != nil {
		return domain.ArticleState{}, err
	}
	a, err := articleFolder.fold(recs)
	if err != nil {
		return domain.ArticleState{}, err
	}
	if !a.Exists() {
		return domain.ArticleState{}, fmt.Errorf("%w: no article has the id %s", application.ErrNotFound, id)
	}
	return a.State(), nil
}
