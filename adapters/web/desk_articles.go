package web

import (
	"html/template"
	"net/http"
	"net/url"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/domain/errs"
	"github.com/ticketengine/ticketengine/projections"
	"github.com/ticketengine/ticketengine/projections/markdown"
)

// The desk's knowledge base: the articles list, an article's page with its workflow's
// buttons (each shown to the roles the API allows it), and "draft an article" on a
// resolved ticket's page. The ticket page's similar tickets and articles are filled in
// showTicket (similarFor).

// deskArticleView is an article's desk page.
type deskArticleView struct {
	Article  domain.ArticleState
	Latest   domain.ArticleRevision
	Title    string
	Body     template.HTML
	Manager  bool // the signed-in account may approve, publish and archive
	Refused  bool
	Conflict bool
	Feedback domain.FeedbackCounts // "did this help?" (help_feedback.go)
}

// deskArticlesView is the articles list.
type deskArticlesView struct {
	Articles []domain.ArticleState
	Feedback map[uuid.UUID]domain.FeedbackCounts
}

func (s *Server) deskArticleRoutes(mux *http.ServeMux) {
	s.deskRoute(mux, "GET /desk/articles", s.deskArticles, staffRoles...)
	s.deskRoute(mux, "GET /desk/articles/{id}", s.deskArticle, staffRoles...)
	s.deskRoute(mux, "POST /desk/articles/{id}/{action}", s.deskArticleAct, agentRoles...)
	s.deskRoute(mux, "POST /desk/tickets/{id}/article", s.deskDraftArticle, agentRoles...)
}

func deskArticleURL(id uuid.UUID) string { return "/desk/articles/" + url.PathEscape(id.String()) }

func (s *Server) deskArticles(w http.ResponseWriter, r *http.Request) {
	rows, err := s.Knowledge.Articles(r.Context())
	if err != nil {
		s.failWith(w, r, err)
		return
	}
	p := s.agentPage(r, "kb.desk.title")
	p.Desk = deskArticlesView{Articles: rows, Feedback: s.deskFeedback(r)}
	s.render(w, r, http.StatusOK, "desk_articles", p)
}

func (s *Server) deskArticle(w http.ResponseWriter, r *http.Request) {
	s.showArticle(w, r, http.StatusOK, false, false)
}

func (s *Server) showArticle(w http.ResponseWriter, r *http.Request, status int, refused, conflict bool) {
	id, err := uuid.Parse(r.PathValue("id"))
	if err != nil {
		s.failWith(w, r, application.ErrNotFound)
		return
	}
	a, err := s.Knowledge.Article(r.Context(), id)
	if err != nil {
		s.failWith(w, r, err)
		return
	}
	p := s.agentPage(r, "kb.desk.article")
	latest := a.Latest()
	v := deskArticleView{Article: a, Latest: latest, Title: latest.Content.Title.For(p.Lang), Refused: refused, Conflict: conflict,
		Body:     template.HTML(markdown.HTML(latest.Content.Body.For(p.Lang))), // sanitised by markdown.HTML
		Feedback: s.deskFeedback(r)[a.ID]}
	if p.User != nil {
		v.Manager = p.User.Role == "supervisor" || p.User.Role == "admin"
	}
	p.Desk = v
	s.render(w, r, status, "desk_article", p)
}

// deskArticleAct is POST /desk/articles/{id}/{action}: submit, approve, publish or
// archive, at the version the page showed.
func (s *Server) deskArticleAct(w http.ResponseWriter, r *http.Request) {
	id, f, ok := s.readIDForm(w, r)
	if !ok {
		return
	}
	u, _ := DeskUserOf(r.Context())
	m := meta(principalOf(u))
	if v, err := f.intField("version"); err == nil && v != nil {
		expected := int64(*v)
		m.ExpectedVersion = &expected
	}
	_, err := s.Knowledge.ArticleAct(r.Context(), u, id, r.PathValue("action"), m)
	if err == nil {
		http.Redirect(w, r, deskArticleURL(id), http.StatusSeeOther)
		return
	}
	switch errs.KindOf(err) {
	case errs.PreconditionFailed, errs.Conflict:
		s.showArticle(w, r, http.StatusConflict, false, true)
		return
	case errs.InvalidTransition:
		s.showArticle(w, r, http.StatusConflict, true, false)
		return
	}
	s.failWith(w, r, err)
}

// deskDraftArticle is POST /desk/tickets/{id}/article: a draft from the resolved ticket,
// then its page.
func (s *Server) deskDraftArticle(w http.ResponseWriter, r *http.Request) {
	id, err := uuid.Parse(r.PathValue("id"))
	if err != nil {
		s.failWith(w, r, application.ErrNotFound)
		return
	}
	if _, err := s.readDeskForm(w, r, maxForm); err != nil {
		s.failWith(w, r, err)
		return
	}
	u, _ := DeskUserOf(r.Context())
	res, err := s.Knowledge.FromTicket(r.Context(), u, id, meta(principalOf(u)))
	if errs.KindOf(err) == errs.InvalidTransition {
		s.showTicket(w, r, http.StatusConflict, &refusal{})
		return
	}
	if err != nil {
		s.failWith(w, r, err)
		return
	}
	http.Redirect(w, r, deskArticleURL(res.Article.ID), http.StatusSeeOther)
}

// similarFor is the ticket page's similar section; a failure is logged and the page
// shows without it (it is help, not the ticket).
func (s *Server) similarFor(r *http.Request, id uuid.UUID) *projections.SimilarResult {
	if s.Knowledge == nil {
		return nil
	}
	res, err := s.Knowledge.Similar(r.Context(), id, 5)
	if err != nil {
		s.Logger.Warn("similar tickets for the desk", "ticket", id.String(), "err", err.Error())
		return nil
	}
	return &res
}
