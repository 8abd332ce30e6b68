package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/gorilla/mux"

	"github.com/ticketengine/ticketengine/application/access"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/query"
	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections"
	"github.com/ticketengine/ticketengine/projections/markdown"
)

// ArticleReads is the read side of the knowledge base: *projections.Service implements it.
type ArticleReads interface {
	ArticleRows(ctx context.Context) ([]domain.ArticleState, error)
}

var _ ArticleReads = (*projections.Service)(nil)

// articleView is an article as staff see it: its latest revision's content (rendered too),
// its status, the revision live in the help center, and where it came from.
type articleView struct {
	ID            uuid.UUID            `json:"id"`
	Status        domain.ArticleStatus `json:"status"`
	Version       int64                `json:"version"`
	Revision      int                  `json:"revision"`
	LiveRevision  int                  `json:"live_revision"`
	Title         domain.Bilingual     `json:"title"`
	Body          domain.Bilingual     `json:"body"`
	BodyHTML      domain.Bilingual     `json:"body_html"`
	Category      string               `json:"category"`
	Tags          []string             `json:"tags"`
	Author        string               `json:"author"`
	Approver      string               `json:"approver,omitempty"`
	SourceTickets []uuid.UUID          `json:"source_tickets"`
	CreatedAt     query.JSONTime       `json:"created_at"`
	UpdatedAt     query.JSONTime       `json:"updated_at"`
	Score         *float64             `json:"score,omitempty"`
	// Helpful and NotHelpful are the "did this help?" counts (article_feedback.go).
	Helpful    *int `json:"helpful,omitempty"`
	NotHelpful *int `json:"not_helpful,omitempty"`
}

func newArticleView(a domain.ArticleState) articleView {
	r := a.Latest()
	src := a.SourceTickets
	if src == nil {
		src = []uuid.UUID{}
	}
	return articleView{ID: a.ID, Status: a.Status, Version: a.Version, Revision: len(a.Revisions), LiveRevision: a.Live,
		Title: r.Content.Title, Body: r.Content.Body, BodyHTML: rendered(r.Content.Body), Category: r.Content.Category,
		Tags: tagsOrEmpty(r.Content.Tags), Author: r.Author, Approver: r.Approver, SourceTickets: src,
		CreatedAt: query.JSONTime(a.CreatedAt), UpdatedAt: query.JSONTime(a.UpdatedAt)}
}

// revisionView is one revision (GET /articles/{id}/revisions/{n}).
type revisionView struct {
	ArticleID   uuid.UUID            `json:"article_id"`
	N           int                  `json:"n"`
	Status      domain.ArticleStatus `json:"status"`
	Title       domain.Bilingual     `json:"title"`
	Body        domain.Bilingual     `json:"body"`
	BodyHTML    domain.Bilingual     `json:"body_html"`
	Category    string               `json:"category"`
	Tags        []string             `json:"tags"`
	Author      string               `json:"author"`
	Approver    string               `json:"approver,omitempty"`
	CreatedAt   query.JSONTime       `json:"created_at"`
	ApprovedAt  *query.JSONTime      `json:"approved_at,omitempty"`
	PublishedAt *query.JSONTime      `json:"published_at,omitempty"`
}

func newRevisionView(id uuid.UUID, r domain.ArticleRevision) revisionView {
	return revisionView{ArticleID: id, N: r.N, Status: r.Status, Title: r.Content.Title, Body: r.Content.Body,
		BodyHTML: rendered(r.Content.Body), Category: r.Content.Category, Tags: tagsOrEmpty(r.Content.Tags),
		Author: r.Author, Approver: r.Approver, CreatedAt: query.JSONTime(r.CreatedAt),
		ApprovedAt: jsonTimePtr(r.ApprovedAt), PublishedAt: jsonTimePtr(r.PublishedAt)}
}

// portalArticleView is a published article as anyone sees it: the live revision only,
// never who wrote or approved it, nor the tickets it came from.
type portalArticleView struct {
	ID          uuid.UUID        `json:"id"`
	Title       domain.Bilingual `json:"title"`
	Body        domain.Bilingual `json:"body"`
	BodyHTML    domain.Bilingual `json:"body_html"`
	Category    string           `json:"category"`
	Tags        []string         `json:"tags"`
	PublishedAt query.JSONTime   `json:"published_at"`
	Score       *float64         `json:"score,omitempty"`
	Helpful     *int             `json:"helpful,omitempty"`
	NotHelpful  *int             `json:"not_helpful,omitempty"`
}

func newPortalArticleView(id uuid.UUID, r domain.ArticleRevision) portalArticleView {
	v := portalArticleView{ID: id, Title: r.Content.Title, Body: r.Content.Body, BodyHTML: rendered(r.Content.Body),
		Category: r.Content.Category, Tags: tagsOrEmpty(r.Content.Tags)}
	if r.PublishedAt != nil {
		v.PublishedAt = query.JSONTime(*r.PublishedAt)
	}
	return v
}

func rendered(b domain.Bilingual) domain.Bilingual {
	out := domain.Bilingual{}
	if b.Zh != "" {
		out.Zh = markdown.HTML(b.Zh)
	}
	if b.En != "" {
		out.En = markdown.HTML(b.En)
	}
	return out
}

func tagsOrEmpty(t []string) []string {
	if t == nil {
		return []string{}
	}
	return t
}

func jsonTimePtr(t *time.Time) *query.JSONTime {
	if t == nil {
		return nil
	}
	j := query.JSONTime(*t)
	return &j
}

// articleReadRoutes registers the reads: one article and its revisions, folded from its
// stream (current at once); the lists and searches on the articles read model.
func (s *Server) articleReadRoutes(r *mux.Router) {
	s.staffRoute(r, http.MethodGet, "/articles/{id}", "", access.ListArticles, s.getArticle)
	s.staffRoute(r, http.MethodGet, "/articles/{id}/revisions/{n}", "", access.ListArticles, s.getArticleRevision)
	s.portalRoute(r, http.MethodGet, "/portal/articles/{id}", "", access.PortalArticles, s.getPortalArticle)
	if ar, ok := s.ReadSide.(ArticleReads); ok {
		s.staffRoute(r, http.MethodGet, "/articles", "", access.ListArticles, func(w http.ResponseWriter, r *http.Request) {
			s.listArticles(w, r, ar, false)
		})
		s.portalRoute(r, http.MethodGet, "/portal/articles", "", access.PortalArticles, func(w http.ResponseWriter, r *http.Request) {
			s.listArticles(w, r, ar, true)
		})
	}
	s.similarRoutes(r)
}

func (s *Server) getArticle(w http.ResponseWriter, r *http.Request) {
	id, err := articleID(r)
	var a domain.ArticleState
	if err == nil {
		a, err = command.LoadArticle(r.Context(), s.Store, id)
	}
	var counts map[uuid.UUID]domain.FeedbackCounts
	if err == nil {
		counts, err = s.feedbackCounts(r.Context())
	}
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	v := newArticleView(a)
	v.Helpful, v.NotHelpful = helpfulness(counts, a.ID)
	w.Header().Set("ETag", strconv.Quote(strconv.FormatInt(a.Version, 10)))
	writeJSON(w, http.StatusOK, v)
}

func (s *Server) getArticleRevision(w http.ResponseWriter, r *http.Request) {
	id, err := articleID(r)
	var a domain.ArticleState
	if err == nil {
		a, err = command.LoadArticle(r.Context(), s.Store, id)
	}
	var rev domain.ArticleRevision
	if err == nil {
		n, perr := strconv.Atoi(mux.Vars(r)["n"])
		var ok bool
		if rev, ok = a.Revision(n); perr != nil || !ok {
			err = fmt.Errorf("%w: article %s has no revision %q", domain.ErrNotFound, id, mux.Vars(r)["n"])
		}
	}
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newRevisionView(id, rev))
}

// getPortalArticle is GET /portal/articles/{id}: the live revision; a draft, an archived
// article and an unknown id are the same 404.
func (s *Server) getPortalArticle(w http.ResponseWriter, r *http.Request) {
	id, err := articleID(r)
	var a domain.ArticleState
	if err == nil {
		a, err = command.LoadArticle(r.Context(), s.Store, id)
	}
	rev, live := a.Published()
	if err == nil && !live {
		err = fmt.Errorf("%w: no article has the id %s", domain.ErrNotFound, id)
	}
	if err != nil {
		s.writeProblem(w, r, fmt.Errorf("%w: no article has the id %s", domain.ErrNotFound, mux.Vars(r)["id"]))
		return
	}
	counts, err := s.feedbackCounts(r.Context())
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	v := newPortalArticleView(a.ID, rev)
	v.Helpful, v.NotHelpful = helpfulness(counts, a.ID)
	writeJSON(w, http.StatusOK, v)
}

// listArticles is GET /articles?q=&status= (staff, any status) and GET /portal/articles?q=
// (published only): with q, the articles holding every term, best first; without, every
// article, most recently changed first.
func (s *Server) listArticles(w http.ResponseWriter, r *http.Request, ar ArticleReads, portal bool) {
	q := r.URL.Query()
	search := projections.ArticleSearch{Text: q.Get("q"), PublishedOnly: portal, Status: domain.ArticleStatus(q.Get("status"))}
	if search.Status != "" && !search.Status.Valid() {
		s.writeProblem(w, r, fieldError("status", "must be draft, in_review, approved, published or archived"))
		return
	}
	rows, err := ar.ArticleRows(r.Context())
	var counts map[uuid.UUID]domain.FeedbackCounts
	if err == nil {
		counts, err = s.feedbackCounts(r.Context())
	}
	hits := projections.SearchArticles(rows, search)
	withScore := q.Get("q") != ""
	if portal {
		items := make([]portalArticleView, len(hits))
		for i, h := range hits {
			items[i] = newPortalArticleView(h.Article.ID, h.Revision)
			items[i].Helpful, items[i].NotHelpful = helpfulness(counts, h.Article.ID)
			if withScore {
				items[i].Score = &hits[i].Score
			}
		}
		writePage(s, w, r, items, err)
		return
	}
	items := make([]articleView, len(hits))
	for i, h := range hits {
		items[i] = newArticleView(h.Article)
		items[i].Helpful, items[i].NotHelpful = helpfulness(counts, h.Article.ID)
		if withScore {
			items[i].Score = &hits[i].Score
		}
	}
	writePage(s, w, r, items, err)
}
