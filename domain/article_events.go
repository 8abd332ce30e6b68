package domain

import (
	"fmt"

	"github.com/google/uuid"
)

// Stored type names of an article's events. Never change one: stored events carry it.
const (
	TypeArticleDrafted   = "ArticleDrafted"
	TypeArticleRevised   = "ArticleRevised"
	TypeArticleSubmitted = "ArticleSubmitted"
	TypeArticleApproved  = "ArticleApproved"
	TypeArticlePublished = "ArticlePublished"
	TypeArticleArchived  = "ArticleArchived"
)

// ArticleDrafted creates an article with its first revision, a draft by Author, and
// names the tickets it was written from (POST /tickets/{id}/article).
type ArticleDrafted struct {
	ArticleID     uuid.UUID      `json:"article_id"`
	Revision      int            `json:"revision"`
	Content       ArticleContent `json:"content"`
	Author        string         `json:"author"`
	SourceTickets []uuid.UUID    `json:"source_tickets,omitempty"`
}

// ArticleRevised adds a draft revision by Author.
type ArticleRevised struct {
	Revision int            `json:"revision"`
	Content  ArticleContent `json:"content"`
	Author   string         `json:"author"`
}

// ArticleSubmitted sends a revision for review.
type ArticleSubmitted struct {
	Revision int `json:"revision"`
}

// ArticleApproved records who approved a revision (never its author).
type ArticleApproved struct {
	Revision int    `json:"revision"`
	Approver string `json:"approver"`
}

// ArticlePublished makes a revision the live one.
type ArticlePublished struct {
	Revision int `json:"revision"`
}

// ArticleArchived takes the article out of the help center for good.
type ArticleArchived struct{}

func (ArticleDrafted) EventType() string   { return TypeArticleDrafted }
func (ArticleRevised) EventType() string   { return TypeArticleRevised }
func (ArticleSubmitted) EventType() string { return TypeArticleSubmitted }
func (ArticleApproved) EventType() string  { return TypeArticleApproved }
func (ArticlePublished) EventType() string { return TypeArticlePublished }
func (ArticleArchived) EventType() string  { return TypeArticleArchived }

// DecodeArticleEvent turns a stored article event back into its value.
func DecodeArticleEvent(eventType string, data []byte) (Event, error) {
	var e Event
	switch eventType {
	case TypeArticleDrafted:
		e = decodeInto[ArticleDrafted](data)
	case TypeArticleRevised:
		e = decodeInto[ArticleRevised](data)
	case TypeArticleSubmitted:
		e = decodeInto[ArticleSubmitted](data)
	case TypeArticleApproved:
		e = decodeInto[ArticleApproved](data)
	case TypeArticlePublished:
		e = decodeInto[ArticlePublished](data)
	case TypeArticleArchived:
		e = decodeInto[ArticleArchived](data)
	default:
		return nil, fmt.Errorf("%w: unknown article event type %q", ErrInvalid, eventType)
	}
	if d, ok := e.(decodeFailure); ok {
		return nil, fmt.Errorf("%w: %s data: %v", ErrInvalid, eventType, d.err)
	}
	return e, nil
}
