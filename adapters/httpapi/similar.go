package httpapi

import (
	"context"
	"net/http"
	"strconv"

	"github.com/google/uuid"
	"github.com/gorilla/mux"

	"github.com/ticketengine/ticketengine/application/access"
	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections"
)

// SimilarReads answers GET /tickets/{id}/similar: *projections.Service implements it.
type SimilarReads interface {
	Similar(ctx context.Context, id uuid.UUID, limit int) (projections.SimilarResult, error)
}

var _ SimilarReads = (*projections.Service)(nil)

type similarTicketView struct {
	ID      uuid.UUID     `json:"id"`
	Number  string        `json:"number"`
	Subject string        `json:"subject"`
	Status  domain.Status `json:"status"`
	Score   float64       `json:"score"`
}

type similarArticleView struct {
	ID    uuid.UUID        `json:"id"`
	Title domain.Bilingual `json:"title"`
	Score float64          `json:"score"`
}

type similarView struct {
	Tickets  []similarTicketView  `json:"tickets"`
	Articles []similarArticleView `json:"articles"`
}

// defaultSimilar is how many of each GET /tickets/{id}/similar lists without ?limit.
const defaultSimilar = 5

// similarRoutes registers GET /tickets/{id}/similar when the read side answers it.
func (s *Server) similarRoutes(r *mux.Router) {
	sr, ok := s.ReadSide.(SimilarReads)
	if !ok {
		return
	}
	s.staffRoute(r, http.MethodGet, "/tickets/{id}/similar", "", access.SimilarTickets, func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r)
		limit := defaultSimilar
		if raw := r.URL.Query().Get("limit"); raw != "" && err == nil {
			if limit, err = strconv.Atoi(raw); err != nil || limit < 1 || limit > projections.MaxSimilar {
				err = fieldError("limit", "must be 1 to 20")
			}
		}
		var res projections.SimilarResult
		if err == nil {
			res, err = sr.Similar(r.Context(), id, limit)
		}
		if err != nil {
			s.writeProblem(w, r, err)
			return
		}
		v := similarView{Tickets: []similarTicketView{}, Articles: []similarArticleView{}}
		for _, t := range res.Tickets {
			v.Tickets = append(v.Tickets, similarTicketView{ID: t.Ticket.ID, Number: t.Ticket.Number, Subject: t.Ticket.Subject,
				Status: t.Ticket.Status, Score: t.Score})
		}
		for _, a := range res.Articles {
			v.Articles = append(v.Articles, similarArticleView{ID: a.Article.ID, Title: a.Revision.Content.Title, Score: a.Score})
		}
		writeJSON(w, http.StatusOK, v)
	})
}
