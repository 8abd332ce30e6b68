package web

import (
	"html/template"
	"net/http"
	"strings"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections"
	"github.com/ticketengine/ticketengine/projections/markdown"
)

// The help center's knowledge base (docs/KNOWLEDGE.md, docs/PAGES.md): a search of the
// published articles, an article's page, and the open form's "check articles" step,
// which shows the articles matching what the customer wrote before the ticket is opened.
// No script is needed: the step is a second submit button of the same form.

// helpArticleRow is an article as a list shows it, in the page's language.
type helpArticleRow struct {
	ID    uuid.UUID
	Title string
}

// helpArticlesView is the search page's data, and the suggestions of the open form.
type helpArticlesView struct {
	Query    string
	Searched bool
	Articles []helpArticleRow
}

// helpArticleView is an article's page: the live revision, rendered and sanitised.
type helpArticleView struct {
	ID       uuid.UUID
	Title    string
	Body     template.HTML
	Category string
	Feedback helpFeedbackView // help_feedback.go
}

// suggestLimit is how many articles the open form's step shows.
const suggestLimit = 5

func (s *Server) knowledgeRoutes(mux *http.ServeMux) {
	if s.Knowledge == nil {
		return
	}
	mux.HandleFunc("GET /help/articles", s.helpArticles)
	mux.HandleFunc("GET /help/articles/{id}", s.helpArticle)
	mux.HandleFunc("POST /help/articles/check", s.checkArticles)
	mux.HandleFunc("POST /help/articles/{id}/feedback", s.voteOnArticle)
	s.deskArticleRoutes(mux)
}

func articleRows(hits []projections.ArticleHit, lang string) []helpArticleRow {
	out := make([]helpArticleRow, len(hits))
	for i, h := range hits {
		out[i] = helpArticleRow{ID: h.Article.ID, Title: h.Revision.Content.Title.For(lang)}
	}
	return out
}

// helpArticles is GET /help/articles?q=: the published articles holding every word of
// q, or every published article without q.
func (s *Server) helpArticles(w http.ResponseWriter, r *http.Request) {
	q := strings.TrimSpace(queryValue(r, "q"))
	p := s.newPage(r, "kb.title")
	hits, err := s.Knowledge.Published(r.Context(), q, projections.MatchAllTerms, 50)
	if err != nil {
		s.failWith(w, r, err)
		return
	}
	p.Desk = helpArticlesView{Query: q, Searched: q != "", Articles: articleRows(hits, p.Lang)}
	s.render(w, r, http.StatusOK, "help_articles", p)
}

// helpArticle is GET /help/articles/{id}: a published article; anything else is the
// same not-found page.
func (s *Server) helpArticle(w http.ResponseWriter, r *http.Request) {
	id, err := uuid.Parse(r.PathValue("id"))
	if err != nil {
		s.failWith(w, r, application.ErrNotFound)
		return
	}
	a, rev, err := s.Knowledge.PublishedArticle(r.Context(), id)
	if err != nil {
		s.failWith(w, r, err)
		return
	}
	s.recordVisit(w, r, a.ID, rev.Content.Category)
	p := s.newPage(r, "kb.article")
	p.Desk = helpArticleView{ID: a.ID, Title: rev.Content.Title.For(p.Lang), Category: rev.Content.Category,
		Body:     template.HTML(markdown.HTML(bodyFor(rev.Content.Body, p.Lang))), // sanitised by markdown.HTML
		Feedback: s.helpFeedback(r, a.ID)}
	s.render(w, r, http.StatusOK, "help_article", p)
}

func bodyFor(b domain.Bilingual, lang string) string { return b.For(lang) }

// checkArticles is POST /help/articles/check: the open form's "check articles first"
// button. It opens nothing and counts against no budget: it shows the form again, as
// typed (files must be chosen again: a browser never re-sends them), with the published
// articles that match the subject and message best.
func (s *Server) checkArticles(w http.ResponseWriter, r *http.Request) {
	f, err := s.readForm(w, r)
	if err != nil {
		s.failWith(w, r, err)
		return
	}
	text := f.values["subject"] + "\n" + f.values["body"]
	hits, err := s.Knowledge.Published(r.Context(), text, projections.MatchAnyTerm, suggestLimit)
	if err != nil {
		s.failWith(w, r, err)
		return
	}
	p := s.newPage(r, "help.title")
	p.Form = f.values
	p.Desk = helpArticlesView{Searched: true, Articles: articleRows(hits, p.Lang)}
	s.render(w, r, http.StatusOK, "home", p)
}
