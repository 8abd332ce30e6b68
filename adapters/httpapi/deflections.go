package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/ticketengine/ticketengine/projections"
)

// DeflectionReads counts the help center's deflections: *projections.Service implements it.
type DeflectionReads interface {
	Deflections(ctx context.Context, from, to time.Time, groupBy string, now time.Time) (map[string]int, error)
}

var _ DeflectionReads = (*projections.Service)(nil)

// withDeflections adds deflections and self_service_rate to the rows of group_by=day
// and category (docs/KNOWLEDGE.md); other groupings and read sides are left as they are.
func (s *Server) withDeflections(r *http.Request, q projections.KPIQuery, rows []projections.KPIRow) ([]projections.KPIRow, error) {
	dr, ok := s.ReadSide.(DeflectionReads)
	if !ok || q.Tag != "" {
		return rows, nil
	}
	d, err := dr.Deflections(r.Context(), q.From, q.To, q.GroupBy, s.Clock.Now())
	if err != nil {
		return nil, err
	}
	return projections.WithDeflections(rows, d), nil
}
