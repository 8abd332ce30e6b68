package hotissues

import (
	"math"
	"slices"
	"time"
)

// Week is the season of the baseline: customer traffic repeats by hour of the week
// (mornings busier than nights, weekdays than weekends).
const Week = 7 * 24 * time.Hour

// Method is how a spike is judged (docs/HOT-ISSUES.md). A series' count over the window
// ending now is compared with its counts over windows at the same time of the week in
// the Weeks weeks before, each also shifted by ±Neighbours·Step (a busy Monday 10:00 is
// compared with the Mondays 9:00 to 11:00 before it): robust to one odd week, and to
// the daily and weekly seasons, with no model to fit. The threshold is the median of
// those samples plus Z robust spreads, and at least MinCount.
type Method struct {
	Window     time.Duration // the sliding window counted; 1 h
	Weeks      int           // weeks of baseline; 4
	MinWeeks   int           // weeks of history needed before anything is judged; 2
	Neighbours int           // windows each side of the same time, per week; 2
	Step       time.Duration // their spacing; 30 min
	Z          float64       // spreads above the median; 6
	MinCount   int           // a spike has at least this many tickets; 10
	// Dispersion is the least relative spread assumed (a share of the baseline): the
	// baseline's samples are few and correlated (neighbouring windows of one day share
	// its busy or quiet mood), so their spread alone understates a busy day's.
	Dispersion float64 // 0.35
	// Cooldown: a series that spiked is not raised again for this long (a burst that
	// outlasts an hour, or straddles two, is one spike).
	Cooldown time.Duration // 6 h
}

// DefaultMethod is the method ticketd runs.
func DefaultMethod() Method {
	return Method{Window: time.Hour, Weeks: 4, MinWeeks: 2, Neighbours: 2, Step: 30 * time.Minute,
		Z: 6, MinCount: 10, Dispersion: 0.35, Cooldown: 6 * time.Hour}
}

// SampleEnds are the ends of the baseline windows of week k (1 = the week before) for a
// window ending at t, oldest first.
func (m Method) SampleEnds(t time.Time, k int) []time.Time {
	c := t.Add(-time.Duration(k) * Week)
	out := make([]time.Time, 0, 2*m.Neighbours+1)
	for j := -m.Neighbours; j <= m.Neighbours; j++ {
		out = append(out, c.Add(time.Duration(j)*m.Step))
	}
	return out
}

// Span is the period week k's baseline windows cover, [from, to).
func (m Method) Span(t time.Time, k int) (from, to time.Time) {
	ends := m.SampleEnds(t, k)
	return ends[0].Add(-m.Window), ends[len(ends)-1]
}

// Judge compares a count with the baseline samples: the baseline is their median, the
// spread 1.4826 × their median absolute deviation (the standard deviation, were they
// normal, unmoved by a few outliers), but never less than √median (counts vary at least
// as a Poisson process does) nor 1; the threshold is baseline + Z × spread, and at least
// MinCount.
func (m Method) Judge(count int, samples []int) (spike bool, baseline, threshold float64) {
	baseline = median(samples)
	dev := make([]int, 0, len(samples))
	for _, s := range samples {
		dev = append(dev, int(math.Round(2*math.Abs(float64(s)-baseline)))) // halves kept exact
	}
	spread := max(1.4826*median(dev)/2, math.Sqrt(baseline), m.Dispersion*baseline, 1)
	threshold = math.Max(baseline+m.Z*spread, float64(m.MinCount))
	return float64(count) >= threshold, baseline, threshold
}

// Cooled reports whether a spike of a series in hour may be raised, given the latest
// earlier spike's hour (zero when none): Cooldown must have passed.
func (m Method) Cooled(last, hour time.Time) bool {
	return last.IsZero() || hour.Sub(last) >= m.Cooldown
}

func median(xs []int) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return float64(s[n/2])
	}
	return float64(s[n/2-1]+s[n/2]) / 2
}
