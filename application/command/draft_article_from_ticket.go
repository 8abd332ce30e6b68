package command

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// DraftArticleFromTicket drafts an article from a resolved (or closed) ticket
// (POST /tickets/{id}/article): prefilled by domain.ArticleFromTicket, naming the ticket
// in its source tickets. It goes through review like any draft.
type DraftArticleFromTicket struct{ TicketID uuid.UUID }

// DraftArticleFromTicketHandler handles DraftArticleFromTicket.
type DraftArticleFromTicketHandler struct{ s streams }

// NewDraftArticleFromTicketHandler returns the handler on its ports; it panics when store or clock is nil.
func NewDraftArticleFromTicketHandler(store eventlog.EventStore, clock application.Clock, cache *StreamCache) DraftArticleFromTicketHandler {
	return DraftArticleFromTicketHandler{s: newStreams("DraftArticleFromTicketHandler", store, clock, cache)}
}

// Handle reads the ticket's stream (its public answers are events, not state), refuses a
// ticket that is not resolved or closed (409), and creates the article.
func (h DraftArticleFromTicketHandler) Handle(ctx context.Context, c DraftArticleFromTicket, meta CommandMeta) (ArticleResult, error) {
	recs, err := h.s.store.ReadStream(ctx, eventlog.TicketStream(c.TicketID))
	if err != nil {
		return ArticleResult{}, fmt.Errorf("read ticket %s: %w", c.TicketID, err)
	}
	t := domain.NewTicket()
	var answers []string
	resolution := ""
	for _, r := range recs {
		if err := ticketFolder.apply(t, r); err != nil {
			return ArticleResult{}, err
		}
		e, _ := domain.DecodeTicketEvent(r.Type, r.Data) // it decoded just above
		switch e := e.(type) {
		case domain.TicketReplied:
			if e.Public {
				answers = append(answers, e.Body)
			}
		case domain.TicketResolved:
			resolution = e.Resolution
		}
	}
	st := t.State()
	if !t.Exists() {
		return ArticleResult{}, fmt.Errorf("%w: no ticket has the id %s", application.ErrNotFound, c.TicketID)
	}
	if st.Status != domain.StatusResolved && st.Status != domain.StatusClosed {
		return ArticleResult{}, &domain.TransitionError{Command: "draft an article from the ticket", From: st.Status}
	}
	content := domain.ArticleFromTicket(st, answers, resolution)
	return createArticle(ctx, h.s, CreateArticle{Content: content, SourceTickets: []uuid.UUID{c.TicketID}}, meta)
}
