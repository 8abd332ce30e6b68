package domain

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/domain/errs"
)

// An article of the knowledge base is written in revisions. Each revision has its own
// workflow, draft → in_review (submit) → approved (approve) → published (publish), and
// the article as a whole may be archived. Revising a published article starts a new
// draft revision while the published one stays live (the help center keeps showing it
// until the new one is published); revising an article whose latest revision is not yet
// published replaces that work in progress (the older revision stays readable, marked
// superseded). Who wrote and who approved each revision is kept, and nobody approves a
// revision they wrote: a reviewer is a second pair of eyes.

// ArticleStatus is where an article, or one of its revisions, stands.
type ArticleStatus string

// The article statuses of API.md, and superseded for a revision replaced before it was
// published, or a published revision replaced by a later publication.
const (
	ArticleStatusDraft      ArticleStatus = "draft"
	ArticleStatusInReview   ArticleStatus = "in_review"
	ArticleStatusApproved   ArticleStatus = "approved"
	ArticleStatusPublished  ArticleStatus = "published"
	ArticleStatusArchived   ArticleStatus = "archived"
	ArticleStatusSuperseded ArticleStatus = "superseded"
)

// Valid reports whether s is one of the statuses an article as a whole can have.
func (s ArticleStatus) Valid() bool {
	switch s {
	case ArticleStatusDraft, ArticleStatusInReview, ArticleStatusApproved, ArticleStatusPublished, ArticleStatusArchived:
		return true
	}
	return false
}

// Bilingual is a text in Chinese and English; one is enough.
type Bilingual struct {
	Zh string `json:"zh,omitempty"`
	En string `json:"en,omitempty"`
}

// For is the text in the language asked ("zh", else English), else the other one.
func (b Bilingual) For(language string) string { return MacroBody(b).For(language) }

// Empty reports whether neither language has text.
func (b Bilingual) Empty() bool {
	return strings.TrimSpace(b.Zh) == "" && strings.TrimSpace(b.En) == ""
}

// ArticleContent is what a revision says: title and body (Markdown) in zh and en, its
// category and tags.
type ArticleContent struct {
	Title    Bilingual `json:"title"`
	Body     Bilingual `json:"body"`
	Category string    `json:"category,omitempty"`
	Tags     []string  `json:"tags,omitempty"`
}

// ArticleRevision is one revision: its number (1 for the first), content, status, and
// who wrote and approved it (event actors, such as "agent:<id>").
type ArticleRevision struct {
	N          int            `json:"n"`
	Content    ArticleContent `json:"content"`
	Status     ArticleStatus  `json:"status"`
	Author     string         `json:"author"`
	CreatedAt  time.Time      `json:"created_at"`
	Approver   string         `json:"approver,omitempty"`
	ApprovedAt *time.Time     `json:"approved_at,omitempty"`
	// PublishedAt is when this revision went live, if it did.
	PublishedAt *time.Time `json:"published_at,omitempty"`
}

// ArticleState is an article: its revisions (oldest first), the one live in the help
// center (Live, 0 when none), the tickets it was written from, and its stream version.
type ArticleState struct {
	ID            uuid.UUID         `json:"id"`
	Version       int64             `json:"version"`
	Status        ArticleStatus     `json:"status"`
	Revisions     []ArticleRevision `json:"revisions"`
	Live          int               `json:"live,omitempty"`
	SourceTickets []uuid.UUID       `json:"source_tickets,omitempty"`
	CreatedAt     time.Time         `json:"created_at"`
	UpdatedAt     time.Time         `json:"updated_at"`
}

// Latest is the newest revision (the work in progress, or the live one).
func (s ArticleState) Latest() ArticleRevision {
	if len(s.Revisions) == 0 {
		return ArticleRevision{}
	}
	return s.Revisions[len(s.Revisions)-1]
}

// Revision finds revision n.
func (s ArticleState) Revision(n int) (ArticleRevision, bool) {
	if n < 1 || n > len(s.Revisions) {
		return ArticleRevision{}, false
	}
	return s.Revisions[n-1], true
}

// Published is the live revision, if the article has one and is not archived.
func (s ArticleState) Published() (ArticleRevision, bool) {
	if s.Status == ArticleStatusArchived || s.Live == 0 {
		return ArticleRevision{}, false
	}
	return s.Revision(s.Live)
}

// Article is the aggregate.
type Article struct{ s ArticleState }

// NewArticle is an article before its first event.
func NewArticle() *Article { return &Article{s: ArticleState{Version: -1}} }

// RestoreArticle continues from a state.
func RestoreArticle(s ArticleState) *Article { return &Article{s: s} }

// State is the article's state; its slices are never written in place.
func (a *Article) State() ArticleState { return a.s }

// Exists reports whether the article was created.
func (a *Article) Exists() bool { return a.s.Version >= 0 && a.s.ID != uuid.Nil }

// MaxArticleTitle and MaxArticleBody bound an article's text, in characters.
const (
	MaxArticleTitle = 300
	MaxArticleBody  = 100_000
	// MaxSourceTickets bounds the tickets an article names as its sources.
	MaxSourceTickets = 50
)

// ErrOwnRevision refuses an approval by the revision's author (403).
var ErrOwnRevision = errs.E(errs.Forbidden, "nobody approves their own revision")

// CheckArticleContent validates content and returns it with its tags normalised.
func CheckArticleContent(c ArticleContent) (ArticleContent, error) {
	var v validator
	v.check(!c.Title.Empty(), "title", "needs zh or en (or both)")
	v.check(!c.Body.Empty(), "body", "needs zh or en (or both)")
	v.check(textOK(c.Title.Zh, 0, MaxArticleTitle), "title.zh", fmt.Sprintf("is at most %d characters", MaxArticleTitle))
	v.check(textOK(c.Title.En, 0, MaxArticleTitle), "title.en", fmt.Sprintf("is at most %d characters", MaxArticleTitle))
	v.check(textOK(c.Body.Zh, 0, MaxArticleBody), "body.zh", fmt.Sprintf("is at most %d characters", MaxArticleBody))
	v.check(textOK(c.Body.En, 0, MaxArticleBody), "body.en", fmt.Sprintf("is at most %d characters", MaxArticleBody))
	v.check(textOK(c.Category, 0, maxShortText), "category", "is at most 200 characters")
	c.Tags = normalizeTags(&v, "tags", c.Tags)
	v.check(len(c.Tags) <= MaxTags, "tags", fmt.Sprintf("at most %d tags", MaxTags))
	if len(c.Tags) == 0 {
		c.Tags = nil
	}
	return c, v.err()
}

// CreateArticle writes revision 1 as a draft, by author, naming the tickets it came from.
func (a *Article) CreateArticle(id uuid.UUID, c ArticleContent, author string, sources []uuid.UUID) ([]Event, error) {
	if a.Exists() || id == uuid.Nil {
		return nil, fmt.Errorf("%w: article %s exists", ErrConflict, id)
	}
	c, err := CheckArticleContent(c)
	if err != nil {
		return nil, err
	}
	if len(sources) > MaxSourceTickets {
		return nil, &ValidationError{Fields: []FieldError{{Field: "source_tickets", Message: fmt.Sprintf("at most %d", MaxSourceTickets)}}}
	}
	return []Event{ArticleDrafted{ArticleID: id, Revision: 1, Content: c, Author: author, SourceTickets: sources}}, nil
}

// Revise writes a new draft revision. From a published article the live revision stays
// live; otherwise the unpublished latest revision is superseded. An archived article is
// final.
func (a *Article) Revise(c ArticleContent, author string) ([]Event, error) {
	if err := a.require("revise", a.s.Status != ArticleStatusArchived); err != nil {
		return nil, err
	}
	c, err := CheckArticleContent(c)
	if err != nil {
		return nil, err
	}
	return []Event{ArticleRevised{Revision: len(a.s.Revisions) + 1, Content: c, Author: author}}, nil
}

// Submit sends the draft revision for review.
func (a *Article) Submit() ([]Event, error) {
	if err := a.require("submit", a.latestIs(ArticleStatusDraft)); err != nil {
		return nil, err
	}
	return []Event{ArticleSubmitted{Revision: len(a.s.Revisions)}}, nil
}

// Approve approves the revision in review; its author may not.
func (a *Article) Approve(approver string) ([]Event, error) {
	if err := a.require("approve", a.latestIs(ArticleStatusInReview)); err != nil {
		return nil, err
	}
	if a.s.Latest().Author == approver {
		return nil, fmt.Errorf("%w: %s wrote revision %d", ErrOwnRevision, approver, len(a.s.Revisions))
	}
	return []Event{ArticleApproved{Revision: len(a.s.Revisions), Approver: approver}}, nil
}

// Publish makes the approved revision the live one.
func (a *Article) Publish() ([]Event, error) {
	if err := a.require("publish", a.latestIs(ArticleStatusApproved)); err != nil {
		return nil, err
	}
	return []Event{ArticlePublished{Revision: len(a.s.Revisions)}}, nil
}

// Archive takes the article out of the help center and out of the workflow, from any
// status but archived.
func (a *Article) Archive() ([]Event, error) {
	if err := a.require("archive", a.s.Status != ArticleStatusArchived); err != nil {
		return nil, err
	}
	return []Event{ArticleArchived{}}, nil
}

func (a *Article) latestIs(s ArticleStatus) bool { return a.s.Latest().Status == s }

func (a *Article) require(command string, ok bool) error {
	if !a.Exists() {
		return ErrNotFound
	}
	if !ok {
		return &TransitionError{Command: command + " article", From: Status(a.s.Status)}
	}
	return nil
}

// Apply folds one event at its time. It never fails; the slice of revisions is copied
// before a change (states are shared by caches and read models).
func (a *Article) Apply(e Event, at time.Time) {
	a.s.Version++
	a.s.UpdatedAt = at.UTC()
	switch e := e.(type) {
	case ArticleDrafted:
		a.s.ID, a.s.CreatedAt, a.s.SourceTickets = e.ArticleID, at.UTC(), e.SourceTickets
		a.addRevision(e.Revision, e.Content, e.Author, at)
	case ArticleRevised:
		a.addRevision(e.Revision, e.Content, e.Author, at)
	case ArticleSubmitted:
		a.setLatest(ArticleStatusInReview, func(r *ArticleRevision) {})
	case ArticleApproved:
		a.setLatest(ArticleStatusApproved, func(r *ArticleRevision) {
			t := at.UTC()
			r.Approver, r.ApprovedAt = e.Approver, &t
		})
	case ArticlePublished:
		if a.s.Live > 0 && a.s.Live <= len(a.s.Revisions) {
			a.s.Revisions = slices.Clone(a.s.Revisions)
			a.s.Revisions[a.s.Live-1].Status = ArticleStatusSuperseded
		}
		a.setLatest(ArticleStatusPublished, func(r *ArticleRevision) {
			t := at.UTC()
			r.PublishedAt = &t
		})
		a.s.Live = len(a.s.Revisions)
	case ArticleArchived:
		a.s.Status = ArticleStatusArchived
	}
}

// addRevision appends a draft revision; an unpublished latest one is superseded by it.
func (a *Article) addRevision(n int, c ArticleContent, author string, at time.Time) {
	revs := slices.Clone(a.s.Revisions)
	if k := len(revs); k > 0 && revs[k-1].Status != ArticleStatusPublished {
		revs[k-1].Status = ArticleStatusSuperseded
	}
	a.s.Revisions = append(revs, ArticleRevision{N: n, Content: c, Status: ArticleStatusDraft, Author: author, CreatedAt: at.UTC()})
	a.s.Status = ArticleStatusDraft
}

// setLatest moves the latest revision, and the article, to status.
func (a *Article) setLatest(s ArticleStatus, change func(*ArticleRevision)) {
	if len(a.s.Revisions) == 0 {
		return
	}
	a.s.Revisions = slices.Clone(a.s.Revisions)
	r := &a.s.Revisions[len(a.s.Revisions)-1]
	r.Status = s
	change(r)
	a.s.Status = s
}
