package projections

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// SimilarTicket is a resolved or closed ticket like the one asked about.
type SimilarTicket struct {
	Ticket domain.TicketState
	Score  float64
}

// SimilarResult is GET /tickets/{id}/similar: similar resolved tickets and relevant
// published articles, each best first.
type SimilarResult struct {
	Tickets  []SimilarTicket
	Articles []ArticleHit
}

// MaxSimilar bounds how many of each a similar-ticket answer lists.
const MaxSimilar = 20

// similarWindow is how many index hits are read to find limit resolved tickets: most
// tickets of a mature desk are resolved, so a few times the limit is enough.
func similarWindow(limit int) int { return 6*limit + 10 }

// Similar is what GET /tickets/{id}/similar answers: the ticket's subject and first
// message compared (SimilarTerms) with every other ticket's public messages in the search
// index, keeping resolved and closed ones, and with the published articles (BM25, any
// term). ErrNotFound for an unknown ticket, or when search is off.
func (s *Service) Similar(ctx context.Context, id uuid.UUID, limit int) (SimilarResult, error) {
	if limit <= 0 || limit > MaxSimilar {
		return SimilarResult{}, fmt.Errorf("%w: limit must be between 1 and %d", domain.ErrInvalid, MaxSimilar)
	}
	text, err := s.ticketText(ctx, id)
	if err != nil {
		return SimilarResult{}, err
	}
	var out SimilarResult
	if s.Search != nil {
		if err := s.settleSearch(ctx); err != nil {
			return out, err
		}
		hits, err := s.Search.Similar(ctx, SimilarQuery{Terms: SimilarTerms(text), Limit: similarWindow(limit)})
		if err != nil {
			return out, err
		}
		if out.Tickets, err = s.resolvedOf(ctx, id, hits, limit); err != nil {
			return out, err
		}
	}
	rows, err := s.ArticleRows(ctx)
	if err != nil {
		return out, err
	}
	out.Articles = SearchArticles(rows, ArticleSearch{Text: text, Match: MatchAnyTerm, PublishedOnly: true, Limit: limit})
	return out, nil
}

// ticketText is a ticket's subject and first message, from its TicketReceived event
// (the read models keep no message bodies but the conversation's).
func (s *Service) ticketText(ctx context.Context, id uuid.UUID) (string, error) {
	recs, err := s.Events.ReadStreamFrom(ctx, eventlog.TicketStream(id), 0)
	if err != nil {
		return "", err
	}
	for _, r := range recs {
		if r.Type != domain.TypeTicketReceived {
			continue
		}
		e, err := domain.DecodeTicketEvent(r.Type, r.Data)
		if err != nil {
			return "", err
		}
		rec := e.(domain.TicketReceived)
		return rec.Subject + "\n" + rec.Body, nil
	}
	return "", fmt.Errorf("%w: no ticket has the id %s", application.ErrNotFound, id)
}

// resolvedOf keeps the hits that are resolved or closed tickets other than self, each
// read as it is now (folded from its stream), at most limit.
func (s *Service) resolvedOf(ctx context.Context, self uuid.UUID, hits []SearchHit, limit int) ([]SimilarTicket, error) {
	out := []SimilarTicket{}
	for _, h := range hits {
		id, err := uuid.Parse(h.TicketID)
		if err != nil || id == self {
			continue
		}
		t, err := s.ticketNow(ctx, id)
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if err != nil {
			// Indexed, yet not in this store, or a record that does not decode: one
			// ticket never stops the answer.
			continue
		}
		if t.Status != domain.StatusResolved && t.Status != domain.StatusClosed {
			continue
		}
		out = append(out, SimilarTicket{Ticket: t, Score: h.Score})
		if len(out) == limit {
			break
		}
	}
	return out, nil
}

// ticketNow folds a ticket's stream.
func (s *Service) ticketNow(ctx context.Context, id uuid.UUID) (domain.TicketState, error) {
	recs, err := s.Events.ReadStream(ctx, eventlog.TicketStream(id))
	if err != nil {
		return domain.TicketState{}, err
	}
	st := emptyTicket()
	for _, r := range recs {
		e, err := domain.DecodeTicketEvent(r.Type, r.Data)
		if err != nil {
			return domain.TicketState{}, fmt.Errorf("ticket %s v%d: %w", id, r.Version, err)
		}
		st = ApplyTicket(st, e, r.Meta.OccurredAt)
	}
	if st.Version < 0 {
		return st, fmt.Errorf("%w: no ticket has the id %s", application.ErrNotFound, id)
	}
	return st, nil
}
