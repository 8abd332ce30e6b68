package hotissues

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/eventlog"
)

// Ticket is what the detector knows of one ticket: when it was received, its team, and
// the series it counts in (its category, tags and significant terms).
type Ticket struct {
	ID       uuid.UUID
	Received time.Time
	Team     string
	Category string
	Tags     []string
	Terms    []string
}

// Series are the series the ticket counts in, each once.
func (t Ticket) Series() []string {
	out := make([]string, 0, 1+len(t.Tags)+len(t.Terms))
	if t.Category != "" {
		out = append(out, Series(KindCategory, t.Category))
	}
	for _, g := range t.Tags {
		out = append(out, Series(KindTag, g))
	}
	for _, w := range t.Terms {
		out = append(out, Series(KindTerm, w))
	}
	return out
}

// Tickets reads the hot-issue read model (projections: the hot_tickets projection).
type Tickets interface {
	// Received returns the tickets received in [from, to).
	Received(ctx context.Context, from, to time.Time) ([]Ticket, error)
}

// Detector is the background duty that raises spikes. One process at a time runs it
// (under a lease where the store is shared); even two at once raise each spike once.
type Detector struct {
	Method  Method
	Tickets Tickets
	Store   eventlog.EventStore
	Clock   application.Clock
	Every   time.Duration // how often it looks; default 1 minute
	Log     *slog.Logger

	mu     sync.Mutex
	first  time.Time            // when the event store's history starts (cached once known)
	raised map[string]time.Time // series → the hour of its latest spike known to exist
}

// Run checks every Every until ctx ends: a lease.Duty (the epoch is not needed: the
// spike's stream, which must not exist, fences a stale holder).
func (d *Detector) Run(ctx context.Context, _ uint64) error {
	every := d.Every
	if every <= 0 {
		every = time.Minute
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := d.Check(ctx, d.Clock.Now()); err != nil && ctx.Err() == nil {
			d.log().Error("hot issues not checked", slog.Any("err", err))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

func (d *Detector) log() *slog.Logger {
	if d.Log == nil {
		return slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return d.Log
}

// Check judges every series over the window ending at now (to the second) and raises
// the spikes it finds that are not raised yet; it returns those it raised.
func (d *Detector) Check(ctx context.Context, now time.Time) ([]Detected, error) {
	t := now.UTC().Truncate(time.Second)
	m := d.Method
	cur, err := d.Tickets.Received(ctx, t.Add(-m.Window), t)
	if err != nil {
		return nil, err
	}
	counts := countSeries(cur)
	var cands []string
	for s, n := range counts {
		if n >= m.MinCount && !d.cooling(s, t) {
			cands = append(cands, s)
		}
	}
	if len(cands) == 0 {
		return nil, nil
	}
	slices.Sort(cands)
	samples, err := d.samples(ctx, t, cands)
	if err != nil || samples == nil {
		return nil, err
	}
	var out []Detected
	for _, s := range cands {
		spike, baseline, threshold := m.Judge(counts[s], samples[s])
		if !spike {
			continue
		}
		e, ok, err := d.raise(ctx, t, s, counts[s], baseline, threshold, cur)
		if err != nil {
			return out, err
		}
		if ok {
			out = append(out, e)
		}
	}
	return out, nil
}

// countSeries counts the tickets of each series.
func countSeries(ts []Ticket) map[string]int {
	counts := map[string]int{}
	for _, t := range ts {
		for _, s := range t.Series() {
			counts[s]++
		}
	}
	return counts
}

// samples are the baseline counts of each candidate series, from the weeks of history
// the store has; nil when it has fewer than MinWeeks (nothing can be judged yet).
func (d *Detector) samples(ctx context.Context, t time.Time, cands []string) (map[string][]int, error) {
	m := d.Method
	first, err := d.historyStart(ctx)
	if err != nil || first.IsZero() {
		return nil, err
	}
	out := make(map[string][]int, len(cands))
	weeks := 0
	for k := 1; k <= m.Weeks; k++ {
		from, to := m.Span(t, k)
		if from.Before(first) {
			break // before the history: no zero counts to learn from
		}
		ts, err := d.Tickets.Received(ctx, from, to)
		if err != nil {
			return nil, err
		}
		weeks++
		for _, end := range m.SampleEnds(t, k) {
			n := map[string]int{}
			for _, tk := range ts {
				if !tk.Received.Before(end.Add(-m.Window)) && tk.Received.Before(end) {
					for _, s := range tk.Series() {
						n[s]++
					}
				}
			}
			for _, s := range cands {
				out[s] = append(out[s], n[s])
			}
		}
	}
	if weeks < m.MinWeeks {
		return nil, nil
	}
	return out, nil
}

// historyStart is when the event store's first record occurred.
func (d *Detector) historyStart(ctx context.Context) (time.Time, error) {
	d.mu.Lock()
	first := d.first
	d.mu.Unlock()
	if !first.IsZero() {
		return first, nil
	}
	recs, err := d.Store.ReadAll(ctx, 0, 1)
	if err != nil || len(recs) == 0 {
		return time.Time{}, err
	}
	d.mu.Lock()
	d.first = recs[0].Meta.OccurredAt
	d.mu.Unlock()
	return recs[0].Meta.OccurredAt, nil
}

// cooling reports whether series is known to have spiked within the cooldown.
func (d *Detector) cooling(series string, t time.Time) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	last, ok := d.raised[series]
	return ok && !d.Method.Cooled(last, t.Truncate(time.Hour))
}

func (d *Detector) remember(series string, hour time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.raised == nil {
		d.raised = map[string]time.Time{}
	}
	if hour.After(d.raised[series]) {
		d.raised[series] = hour
	}
}

// raise appends series' spike, unless one of it exists within the cooldown (looked up
// in the store: another process, or this one before a restart, may have raised it). The
// hour's stream must not exist: of two processes racing, one appends.
func (d *Detector) raise(ctx context.Context, t time.Time, series string, count int, baseline, threshold float64, cur []Ticket) (Detected, bool, error) {
	hour := t.Truncate(time.Hour)
	for h := hour; !d.Method.Cooled(h, hour); h = h.Add(-time.Hour) {
		recs, err := d.Store.ReadStream(ctx, Stream(SpikeID(series, h)))
		if err != nil {
			return Detected{}, false, err
		}
		if len(recs) > 0 {
			d.remember(series, h)
			return Detected{}, false, nil
		}
	}
	e := Detected{Series: series, WindowStart: t.Add(-d.Method.Window), WindowEnd: t, Count: count,
		Baseline: baseline, Threshold: threshold}
	e.Tickets, e.Teams = behind(series, cur)
	data, err := json.Marshal(e)
	if err != nil {
		return Detected{}, false, err
	}
	id := SpikeID(series, hour)
	rec := []eventlog.Record{{ID: uuid.NewSHA1(id, []byte(TypeDetected)), Stream: Stream(id), Version: 0, Type: TypeDetected,
		Data: data, Meta: eventlog.Metadata{Actor: "system", Rule: "hot-issues", OccurredAt: eventlog.Truncate(d.Clock.Now())}}}
	if err := eventlog.Seal("", rec); err != nil {
		return Detected{}, false, err
	}
	_, err = d.Store.Append(ctx, rec[0].Stream, eventlog.NoStream, rec)
	d.remember(series, hour)
	if errors.Is(err, eventlog.ErrWrongExpectedVersion) {
		return Detected{}, false, nil // another process raised it first
	}
	if err != nil {
		return Detected{}, false, fmt.Errorf("hot issue %s: %w", series, err)
	}
	d.log().Info("hot issue", slog.String("series", series), slog.Int("count", count), slog.Float64("baseline", baseline))
	return e, true, nil
}

// behind are the tickets of series in the window (the latest first, at most MaxTickets)
// and their teams.
func behind(series string, cur []Ticket) ([]uuid.UUID, []string) {
	var of []Ticket
	for _, t := range cur {
		if slices.Contains(t.Series(), series) {
			of = append(of, t)
		}
	}
	slices.SortFunc(of, func(a, b Ticket) int {
		if c := b.Received.Compare(a.Received); c != 0 {
			return c
		}
		return slices.Compare(a.ID[:], b.ID[:])
	})
	var ids []uuid.UUID
	var teams []string
	for i, t := range of {
		if i < MaxTickets {
			ids = append(ids, t.ID)
		}
		if t.Team != "" && !slices.Contains(teams, t.Team) {
			teams = append(teams, t.Team)
		}
	}
	slices.Sort(teams)
	return ids, teams
}
