package projections

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/ticketengine/ticketengine/application/hotissues"
	"github.com/ticketengine/ticketengine/domain"
)

// HotRanger is a store that reads the hot_tickets rows of a period itself (PostgreSQL,
// over the received_at index); others are read whole and filtered here.
type HotRanger interface {
	HotTicketsReceived(ctx context.Context, from, to time.Time) ([]HotTicket, error)
}

// HotTicketsReceived returns the hot_tickets rows of tickets received in [from, to).
func (s *Service) HotTicketsReceived(ctx context.Context, from, to time.Time) ([]HotTicket, error) {
	if err := s.settle(ctx, HotTickets); err != nil {
		return nil, err
	}
	if r, ok := s.Store.(HotRanger); ok {
		return r.HotTicketsReceived(ctx, from, to)
	}
	rows, err := s.Store.Rows(ctx, HotTickets)
	if err != nil {
		return nil, err
	}
	var out []HotTicket
	for _, r := range rows {
		if h := r.(*HotTicket); h.Version >= 0 && !h.Received.Before(from) && h.Received.Before(to) {
			out = append(out, *h)
		}
	}
	return out, nil
}

// Spikes returns the spikes whose window started in [from, to), the latest first.
func (s *Service) Spikes(ctx context.Context, from, to time.Time) ([]HotSpike, error) {
	if err := s.settle(ctx, HotSpikes); err != nil {
		return nil, err
	}
	rows, err := s.Store.Rows(ctx, HotSpikes)
	if err != nil {
		return nil, err
	}
	var out []HotSpike
	for _, r := range rows {
		if h := r.(*HotSpike); h.Version >= 0 && !h.WindowStart.Before(from) && h.WindowStart.Before(to) {
			out = append(out, *h)
		}
	}
	slices.SortFunc(out, func(a, b HotSpike) int {
		if c := b.WindowStart.Compare(a.WindowStart); c != 0 {
			return c
		}
		return cmp.Compare(a.Series, b.Series)
	})
	return out, nil
}

// HotReport is GET /reports/hot: the spikes of a period and its most frequent terms and
// categories (识别高频问题).
type HotReport struct {
	Spikes        []SpikeView     `json:"spikes"`
	TopTerms      []TermCount     `json:"top_terms"`
	TopCategories []CategoryCount `json:"top_categories"`
}

// SpikeView is a spike as the report shows it.
type SpikeView struct {
	ID          string    `json:"id"`
	Series      string    `json:"series"`
	WindowStart time.Time `json:"window_start"`
	Count       int       `json:"count"`
	Baseline    float64   `json:"baseline"`
}

// TermCount is how many tickets of a period carry a term.
type TermCount struct {
	Term  string `json:"term"`
	Count int    `json:"count"`
}

// CategoryCount is how many tickets of a period are of a category.
type CategoryCount struct {
	Category string `json:"category"`
	Count    int    `json:"count"`
}

// HotTop bounds the report's term and category lists.
const HotTop = 20

// HotReport answers GET /reports/hot for tickets received (and spike windows started)
// in [from, to).
func (s *Service) HotReport(ctx context.Context, from, to time.Time) (HotReport, error) {
	if !from.Before(to) {
		return HotReport{}, fmt.Errorf("%w: from must be before to", domain.ErrInvalid)
	}
	spikes, err := s.Spikes(ctx, from, to)
	if err != nil {
		return HotReport{}, err
	}
	tickets, err := s.HotTicketsReceived(ctx, from, to)
	if err != nil {
		return HotReport{}, err
	}
	rep := HotReport{Spikes: []SpikeView{}}
	for _, sp := range spikes {
		rep.Spikes = append(rep.Spikes, SpikeView{ID: sp.ID.String(), Series: sp.Series, WindowStart: sp.WindowStart,
			Count: sp.Count, Baseline: sp.Baseline})
	}
	terms, cats := map[string]int{}, map[string]int{}
	for _, t := range tickets {
		for _, w := range t.Terms {
			terms[w]++
		}
		if t.Category != "" {
			cats[t.Category]++
		}
	}
	for _, kv := range top(terms) {
		rep.TopTerms = append(rep.TopTerms, TermCount{Term: kv.k, Count: kv.n})
	}
	for _, kv := range top(cats) {
		rep.TopCategories = append(rep.TopCategories, CategoryCount{Category: kv.k, Count: kv.n})
	}
	if rep.TopTerms == nil {
		rep.TopTerms = []TermCount{}
	}
	if rep.TopCategories == nil {
		rep.TopCategories = []CategoryCount{}
	}
	return rep, nil
}

type keyCount struct {
	k string
	n int
}

// top are the HotTop most frequent keys, by count then key.
func top(m map[string]int) []keyCount {
	out := make([]keyCount, 0, len(m))
	for k, n := range m {
		out = append(out, keyCount{k, n})
	}
	slices.SortFunc(out, func(a, b keyCount) int {
		if a.n != b.n {
			return b.n - a.n
		}
		return cmp.Compare(a.k, b.k)
	})
	return out[:min(len(out), HotTop)]
}

// SpikeTickets are the tickets behind a spike now: those of its series received in its
// window (the event names those of the moment it was raised; more may have come).
func (s *Service) SpikeTickets(ctx context.Context, sp HotSpike) ([]HotTicket, error) {
	rows, err := s.HotTicketsReceived(ctx, sp.WindowStart, sp.WindowEnd)
	if err != nil {
		return nil, err
	}
	var out []HotTicket
	for _, r := range rows {
		if slices.Contains(r.Ticket().Series(), sp.Series) {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b HotTicket) int { return b.Received.Compare(a.Received) })
	return out, nil
}

// Ticket is the row as the detector counts it.
func (r HotTicket) Ticket() hotissues.Ticket {
	return hotissues.Ticket{ID: r.ID, Received: r.Received, Team: r.Team, Category: r.Category, Tags: r.Tags, Terms: r.Terms}
}

// DetectorTickets is the hot-issue detector's view of hot_tickets (hotissues.Tickets).
type DetectorTickets struct{ Service *Service }

var _ hotissues.Tickets = DetectorTickets{}

// Received implements hotissues.Tickets.
func (d DetectorTickets) Received(ctx context.Context, from, to time.Time) ([]hotissues.Ticket, error) {
	rows, err := d.Service.HotTicketsReceived(ctx, from, to)
	out := make([]hotissues.Ticket, len(rows))
	for i, r := range rows {
		out[i] = r.Ticket()
	}
	return out, err
}
