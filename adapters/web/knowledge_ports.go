package web

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/access"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections"
)

// Knowledge is what the knowledge-base pages ask of the application: the help center's
// published articles, the desk's similar tickets, articles and their workflow.
// CommandKnowledge implements it; without it (Options.Knowledge nil) none of those pages
// or sections is served.
type Knowledge interface {
	// Published finds published articles: every term of text (match all), or ranked by
	// any term (suggestions while a customer writes).
	Published(ctx context.Context, text string, match projections.ArticleMatch, limit int) ([]projections.ArticleHit, error)
	// PublishedArticle is the live revision of an article; a draft, an archived article
	// and an unknown id are all application.ErrNotFound.
	PublishedArticle(ctx context.Context, id uuid.UUID) (domain.ArticleState, domain.ArticleRevision, error)
	// Similar is a ticket's similar resolved tickets and relevant articles.
	Similar(ctx context.Context, ticket uuid.UUID, limit int) (projections.SimilarResult, error)
	// Articles is every article (staff), most recently changed first; Article one of them.
	Articles(ctx context.Context) ([]domain.ArticleState, error)
	Article(ctx context.Context, id uuid.UUID) (domain.ArticleState, error)
	// FromTicket drafts an article from a resolved ticket as u.
	FromTicket(ctx context.Context, u DeskUser, ticket uuid.UUID, meta command.CommandMeta) (command.ArticleResult, error)
	// ArticleAct runs submit, approve, publish or archive as u, under the API's rules.
	ArticleAct(ctx context.Context, u DeskUser, id uuid.UUID, action string, meta command.CommandMeta) (command.ArticleResult, error)
	// Visit records what a help-center browser opened: an article (with its category) or,
	// with article nil, a ticket (deflections).
	Visit(ctx context.Context, visitor, article uuid.UUID, category string, meta command.CommandMeta) error
	// Vote records a visitor's answer to "did this help?" on a published article (any
	// other id is application.ErrNotFound) and returns the article's counts after it and
	// whether it recorded anything (false for the visitor's same vote again).
	Vote(ctx context.Context, visitor, article uuid.UUID, helpful bool, meta command.CommandMeta) (counts domain.FeedbackCounts, recorded bool, err error)
	// Feedback is every article's counts; an article nobody voted on has none.
	Feedback(ctx context.Context) (map[uuid.UUID]domain.FeedbackCounts, error)
}

// CommandKnowledge is Knowledge on the event store, the read side and the commands.
type CommandKnowledge struct {
	Store    eventlog.EventStore
	Read     *projections.Service
	Commands *command.Commands
}

var _ Knowledge = CommandKnowledge{}

// Published implements Knowledge.
func (k CommandKnowledge) Published(ctx context.Context, text string, match projections.ArticleMatch, limit int) ([]projections.ArticleHit, error) {
	rows, err := k.Read.ArticleRows(ctx)
	if err != nil {
		return nil, err
	}
	return projections.SearchArticles(rows, projections.ArticleSearch{Text: text, Match: match, PublishedOnly: true, Limit: limit}), nil
}

// PublishedArticle implements Knowledge: folded from the article's stream, so a page
// opened from a fresh search never waits for the read model.
func (k CommandKnowledge) PublishedArticle(ctx context.Context, id uuid.UUID) (domain.ArticleState, domain.ArticleRevision, error) {
	a, err := command.LoadArticle(ctx, k.Store, id)
	if err != nil {
		return a, domain.ArticleRevision{}, err
	}
	rev, ok := a.Published()
	if !ok {
		return a, rev, fmt.Errorf("%w: no published article %s", application.ErrNotFound, id)
	}
	return a, rev, nil
}

// Similar implements Knowledge.
func (k CommandKnowledge) Similar(ctx context.Context, ticket uuid.UUID, limit int) (projections.SimilarResult, error) {
	return k.Read.Similar(ctx, ticket, limit)
}

// Articles implements Knowledge.
func (k CommandKnowledge) Articles(ctx context.Context) ([]domain.ArticleState, error) {
	return k.Read.ArticleRows(ctx)
}

// Article implements Knowledge.
func (k CommandKnowledge) Article(ctx context.Context, id uuid.UUID) (domain.ArticleState, error) {
	return command.LoadArticle(ctx, k.Store, id)
}

// FromTicket implements Knowledge.
func (k CommandKnowledge) FromTicket(ctx context.Context, u DeskUser, ticket uuid.UUID, meta command.CommandMeta) (command.ArticleResult, error) {
	if err := access.Authorize(principalOf(u), access.ArticleFromTicket); err != nil {
		return command.ArticleResult{}, err
	}
	return k.Commands.Articles.FromTicket.Handle(ctx, command.DraftArticleFromTicket{TicketID: ticket}, meta)
}

// ArticleAct implements Knowledge.
func (k CommandKnowledge) ArticleAct(ctx context.Context, u DeskUser, id uuid.UUID, action string, meta command.CommandMeta) (command.ArticleResult, error) {
	a := &k.Commands.Articles
	runs := map[string]struct {
		rule access.Action
		run  func() (command.ArticleResult, error)
	}{
		"submit": {access.SubmitArticle, func() (command.ArticleResult, error) {
			return a.Submit.Handle(ctx, command.SubmitArticle{ArticleID: id}, meta)
		}},
		"approve": {access.ApproveArticle, func() (command.ArticleResult, error) {
			return a.Approve.Handle(ctx, command.ApproveArticle{ArticleID: id}, meta)
		}},
		"publish": {access.PublishArticle, func() (command.ArticleResult, error) {
			return a.Publish.Handle(ctx, command.PublishArticle{ArticleID: id}, meta)
		}},
		"archive": {access.ArchiveArticle, func() (command.ArticleResult, error) {
			return a.Archive.Handle(ctx, command.ArchiveArticle{ArticleID: id}, meta)
		}},
	}
	r, ok := runs[action]
	if !ok {
		return command.ArticleResult{}, fmt.Errorf("%w: no article action %q", application.ErrNotFound, action)
	}
	if err := access.Authorize(principalOf(u), r.rule); err != nil {
		return command.ArticleResult{}, err
	}
	return r.run()
}

// Visit implements Knowledge.
func (k CommandKnowledge) Visit(ctx context.Context, visitor, article uuid.UUID, category string, meta command.CommandMeta) error {
	return k.Commands.Articles.Visit.Handle(ctx, command.RecordHelpVisit{Visitor: visitor, ArticleID: article, Category: category}, meta)
}

// Vote implements Knowledge.
func (k CommandKnowledge) Vote(ctx context.Context, visitor, article uuid.UUID, helpful bool, meta command.CommandMeta) (domain.FeedbackCounts, bool, error) {
	res, err := k.Commands.Articles.Vote.Handle(ctx, command.VoteOnArticle{ArticleID: article, Visitor: visitor, Helpful: helpful}, meta)
	return res.Counts, len(res.Appended) > 0, err
}

// Feedback implements Knowledge.
func (k CommandKnowledge) Feedback(ctx context.Context) (map[uuid.UUID]domain.FeedbackCounts, error) {
	return k.Read.ArticleFeedback(ctx)
}
