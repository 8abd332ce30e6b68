package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"strconv"

	"github.com/google/uuid"
	"github.com/gorilla/mux"

	"github.com/ticketengine/ticketengine/application/access"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/domain"
)

// articleRequest is the body of POST /articles and /articles/{id}/revise.
type articleRequest struct {
	Title    domain.Bilingual `json:"title"`
	Body     domain.Bilingual `json:"body"`
	Category string           `json:"category"`
	Tags     []string         `json:"tags"`
}

func (b articleRequest) content() domain.ArticleContent {
	return domain.ArticleContent{Title: b.Title, Body: b.Body, Category: b.Category, Tags: b.Tags}
}

// articleRoutes registers the knowledge base's commands and reads (articles_read.go).
func (s *Server) articleRoutes(r *mux.Router) {
	s.staffRoute(r, http.MethodPost, "/articles", "create_article", access.CreateArticle, s.createArticle)
	s.staffRoute(r, http.MethodPost, "/tickets/{id}/article", "article_from_ticket", access.ArticleFromTicket, s.articleFromTicket)
	article := func(verb string, a access.Action, run func(context.Context, uuid.UUID, articleRequest, command.CommandMeta) (command.ArticleResult, error)) {
		s.staffRoute(r, http.MethodPost, "/articles/{id}/"+verb, string(a), a, s.articleCommand(verb == "revise", run))
	}
	a := &s.Commands.Articles
	article("revise", access.ReviseArticle, func(ctx context.Context, id uuid.UUID, b articleRequest, m command.CommandMeta) (command.ArticleResult, error) {
		return a.Revise.Handle(ctx, command.ReviseArticle{ArticleID: id, Content: b.content()}, m)
	})
	article("submit", access.SubmitArticle, func(ctx context.Context, id uuid.UUID, _ articleRequest, m command.CommandMeta) (command.ArticleResult, error) {
		return a.Submit.Handle(ctx, command.SubmitArticle{ArticleID: id}, m)
	})
	article("approve", access.ApproveArticle, func(ctx context.Context, id uuid.UUID, _ articleRequest, m command.CommandMeta) (command.ArticleResult, error) {
		return a.Approve.Handle(ctx, command.ApproveArticle{ArticleID: id}, m)
	})
	article("publish", access.PublishArticle, func(ctx context.Context, id uuid.UUID, _ articleRequest, m command.CommandMeta) (command.ArticleResult, error) {
		return a.Publish.Handle(ctx, command.PublishArticle{ArticleID: id}, m)
	})
	article("archive", access.ArchiveArticle, func(ctx context.Context, id uuid.UUID, _ articleRequest, m command.CommandMeta) (command.ArticleResult, error) {
		return a.Archive.Handle(ctx, command.ArchiveArticle{ArticleID: id}, m)
	})
	s.articleReadRoutes(r)
	s.articleFeedbackRoutes(r)
}

func (s *Server) createArticle(w http.ResponseWriter, r *http.Request) {
	var req articleRequest
	meta, err := decodeCommand(w, r, principal(r), &req, false)
	var res command.ArticleResult
	if err == nil {
		res, err = s.Commands.Articles.Create.Handle(r.Context(), command.CreateArticle{Content: req.content()}, meta)
	}
	s.answerNewArticle(w, r, res, err)
}

// articleFromTicket is POST /tickets/{id}/article: a draft from a resolved ticket.
func (s *Server) articleFromTicket(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	var meta command.CommandMeta
	if err == nil {
		var none struct{}
		meta, err = decodeCommand(w, r, principal(r), &none, true)
	}
	var res command.ArticleResult
	if err == nil {
		res, err = s.Commands.Articles.FromTicket.Handle(r.Context(), command.DraftArticleFromTicket{TicketID: id}, meta)
	}
	s.answerNewArticle(w, r, res, err)
}

func (s *Server) answerNewArticle(w http.ResponseWriter, r *http.Request, res command.ArticleResult, err error) {
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	w.Header().Set("Location", "/articles/"+res.Article.ID.String())
	writeArticle(w, http.StatusCreated, res.Article)
}

// articleCommand runs a command on the article of the path: body decoded strictly (an
// empty one allowed but for revise), If-Match and Idempotency-Key as on tickets, and the
// article as the answer.
func (s *Server) articleCommand(needsBody bool, run func(context.Context, uuid.UUID, articleRequest, command.CommandMeta) (command.ArticleResult, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := articleID(r)
		var meta command.CommandMeta
		var req articleRequest
		if err == nil {
			if needsBody {
				meta, err = decodeCommand(w, r, principal(r), &req, false)
			} else {
				var none struct{}
				meta, err = decodeCommand(w, r, principal(r), &none, true)
			}
		}
		var res command.ArticleResult
		if err == nil {
			res, err = run(r.Context(), id, req, meta)
		}
		if err != nil {
			s.writeProblem(w, r, err)
			return
		}
		writeArticle(w, http.StatusOK, res.Article)
	}
}

func writeArticle(w http.ResponseWriter, status int, a domain.ArticleState) {
	w.Header().Set("ETag", strconv.Quote(strconv.FormatInt(a.Version, 10)))
	writeJSON(w, status, newArticleView(a))
}

// articleID parses the {id} of the path; a malformed one names no article (404).
func articleID(r *http.Request) (uuid.UUID, error) {
	raw := mux.Vars(r)["id"]
	id, err := uuid.Parse(raw)
	if err != nil {
		return uuid.Nil, fmt.Errorf("%w: %q is not an article id", domain.ErrNotFound, raw)
	}
	return id, nil
}
