package command

import (
	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// The commands on an existing article: each one decision of the domain, run by the
// generic ArticleHandler (article_handler.go). Who may run which (an agent drafts and
// submits; a supervisor or admin approves, publishes, archives) is application/access's.

// ReviseArticle writes a new draft revision (POST /articles/{id}/revise).
type ReviseArticle struct {
	ArticleID uuid.UUID
	Content   domain.ArticleContent
}

// SubmitArticle sends the draft for review (POST /articles/{id}/submit).
type SubmitArticle struct{ ArticleID uuid.UUID }

// ApproveArticle approves the revision in review (POST /articles/{id}/approve).
type ApproveArticle struct{ ArticleID uuid.UUID }

// PublishArticle makes the approved revision live (POST /articles/{id}/publish).
type PublishArticle struct{ ArticleID uuid.UUID }

// ArchiveArticle takes the article out of the help center (POST /articles/{id}/archive).
type ArchiveArticle struct{ ArticleID uuid.UUID }

func (c ReviseArticle) article() uuid.UUID  { return c.ArticleID }
func (c SubmitArticle) article() uuid.UUID  { return c.ArticleID }
func (c ApproveArticle) article() uuid.UUID { return c.ArticleID }
func (c PublishArticle) article() uuid.UUID { return c.ArticleID }
func (c ArchiveArticle) article() uuid.UUID { return c.ArticleID }

func (c ReviseArticle) decide(a *domain.Article, actor string) ([]domain.Event, error) {
	return a.Revise(c.Content, actor)
}
func (SubmitArticle) decide(a *domain.Article, _ string) ([]domain.Event, error) { return a.Submit() }
func (ApproveArticle) decide(a *domain.Article, actor string) ([]domain.Event, error) {
	return a.Approve(actor)
}
func (PublishArticle) decide(a *domain.Article, _ string) ([]domain.Event, error) { return a.Publish() }
func (ArchiveArticle) decide(a *domain.Article, _ string) ([]domain.Event, error) { return a.Archive() }

// The handlers, one per command.
type (
	ReviseArticleHandler  = ArticleHandler[ReviseArticle]
	SubmitArticleHandler  = ArticleHandler[SubmitArticle]
	ApproveArticleHandler = ArticleHandler[ApproveArticle]
	PublishArticleHandler = ArticleHandler[PublishArticle]
	ArchiveArticleHandler = ArticleHandler[ArchiveArticle]
)

// ArticleCommands is one handler per article command, for the adapters (Commands.Articles).
type ArticleCommands struct {
	Create     CreateArticleHandler
	FromTicket DraftArticleFromTicketHandler
	Revise     ReviseArticleHandler
	Submit     SubmitArticleHandler
	Approve    ApproveArticleHandler
	Publish    PublishArticleHandler
	Archive    ArchiveArticleHandler
	// Visit records what a help-center browser opened (deflections).
	Visit RecordHelpVisitHandler
	// Vote records a visitor's "did this help?" (article feedback).
	Vote VoteOnArticleHandler
}

// NewArticleCommands builds the article handlers on their ports.
func NewArticleCommands(store eventlog.EventStore, clock application.Clock, cache *StreamCache) ArticleCommands {
	return ArticleCommands{
		Create:     NewCreateArticleHandler(store, clock, cache),
		FromTicket: NewDraftArticleFromTicketHandler(store, clock, cache),
		Revise:     newArticleHandler[ReviseArticle](store, clock, cache),
		Submit:     newArticleHandler[SubmitArticle](store, clock, cache),
		Approve:    newArticleHandler[ApproveArticle](store, clock, cache),
		Publish:    newArticleHandler[PublishArticle](store, clock, cache),
		Archive:    newArticleHandler[ArchiveArticle](store, clock, cache),
		Visit:      NewRecordHelpVisitHandler(store, clock, nil), // many one-off streams: not worth caching
		Vote:       NewVoteOnArticleHandler(store, clock, cache),
	}
}
