package projections

import (
	"context"
	"math"
	"sort"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/domain"
)

// HelpVisitors is the stable name of the read model of help-center browsers: one row per
// browser (the random id of its cookie), the articles it read and when it opened tickets,
// for the deflections of GET /reports/kpi (docs/KNOWLEDGE.md).
const HelpVisitors = "help_visitors"

var helpVisitorsProjection = Declare(Spec[domain.HelpVisitorState]{
	Name: HelpVisitors, Reads: HelpVisitorStreams,
	Empty: func(id uuid.UUID) domain.HelpVisitorState {
		s := domain.NewHelpVisitor().State()
		s.ID = id
		return s
	},
	Fold: func(s domain.HelpVisitorState, e *Event) domain.HelpVisitorState {
		v := domain.RestoreHelpVisitor(s)
		v.Apply(e.Data, e.At())
		return v.State()
	},
	Head: func(s *domain.HelpVisitorState) (*uuid.UUID, *int64) { return &s.ID, &s.Version },
	Table: Table{
		Name: "rm_help_visitors", Key: []string{"visitor_id"},
		Columns: []Column{
			Col("visitor_id", "uuid", func(s *domain.HelpVisitorState) uuid.UUID { return s.ID }),
			Col("version", "bigint", func(s *domain.HelpVisitorState) int64 { return s.Version }),
			SnapshotCol("state"),
		},
		Read: []string{"state"}, Scan: ScanSnapshot[domain.HelpVisitorState],
	},
})

// Deflections counts, by group (group_by day: the read's UTC date; category: the
// article's category), the reads in [from, to) that are deflections by now
// (domain.HelpVisitorState.Deflections). Other groupings have none.
func (s *Service) Deflections(ctx context.Context, from, to time.Time, groupBy string, now time.Time) (map[string]int, error) {
	if groupBy != "day" && groupBy != "category" {
		return nil, nil
	}
	if err := s.settle(ctx, HelpVisitors); err != nil {
		return nil, err
	}
	rows, err := s.Store.Rows(ctx, HelpVisitors)
	if err != nil {
		return nil, err
	}
	out := map[string]int{}
	for _, r := range rows {
		for _, v := range r.(*domain.HelpVisitorState).Deflections(now) {
			if v.At.Before(from) || !v.At.Before(to) {
				continue
			}
			g := v.Category
			if groupBy == "day" {
				g = v.At.UTC().Format("2006-01-02")
			}
			out[g]++
		}
	}
	return out, nil
}

// WithDeflections adds deflections and self_service_rate (deflections / (deflections +
// received), to 4 decimals; none when both are 0) to KPI rows, and a row for each group
// with deflections but no ticket received, in group order.
func WithDeflections(rows []KPIRow, deflections map[string]int) []KPIRow {
	if deflections == nil {
		return rows
	}
	seen := map[string]bool{}
	for i := range rows {
		seen[rows[i].Group] = true
		setDeflections(&rows[i], deflections[rows[i].Group])
	}
	var extra []KPIRow
	for g, n := range deflections {
		if !seen[g] {
			r := KPIRow{Group: g}
			setDeflections(&r, n)
			extra = append(extra, r)
		}
	}
	if len(extra) == 0 {
		return rows
	}
	rows = append(rows, extra...)
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].Group < rows[j].Group })
	return rows
}

func setDeflections(r *KPIRow, n int) {
	r.Deflections = &n
	if total := n + r.Received; total > 0 {
		rate := math.Round(float64(n)/float64(total)*10000) / 10000
		r.SelfServiceRate = &rate
	}
}
