package projections

import (
	"context"
	"errors"
	"slices"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/domain"
)

// CustomersByPhone is GET /customers?phone=: the records of the tickets that gave the
// number (compared as domain.NormalizePhone forms), oldest ticket first: the first is the
// record the number was first given to (the one a phone-only ticket joins). A shared line
// may name several customers. Every number a record holds came with one of its tickets,
// so the rows are enough (the number's reservation is keyed with the server key, which
// the read side does not hold).
func (s *Service) CustomersByPhone(ctx context.Context, phone string) ([]CustomerView, error) {
	rows, err := s.customerTickets(ctx)
	if err != nil {
		return nil, err
	}
	var ids []uuid.UUID
	for _, r := range byReceived(rows) {
		if domain.SamePhone(r.Phone, phone) && !slices.Contains(ids, r.CustomerID) {
			ids = append(ids, r.CustomerID)
		}
	}
	out := []CustomerView{}
	for _, id := range ids {
		v, err := s.customerView(ctx, id, rows)
		if errors.Is(err, application.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if !v.Erased {
			out = append(out, v)
		}
	}
	return out, nil
}
