package hotissues

import (
	"math"
	"math/rand/v2"
	"time"
)

// Synthetic traffic for the false-alarm test: per series, tickets per 5-minute slot
// drawn from a Poisson process whose hourly rate follows a daily and a weekly season,
// times a gamma-distributed factor per hour and another per day (busy hours and busy
// days: more variance than a Poisson process has, as real traffic shows).

const slot = 5 * time.Minute

// profile is one series' traffic: its peak rate (tickets per hour at a weekday noon).
type profile struct {
	name string
	peak float64
}

// variance is the extra variance of the traffic: the gamma shapes of the hour's and the
// day's factor (a factor's coefficient of variation is 1/√shape).
type variance struct {
	name      string
	hour, day float64
}

var (
	moderate = variance{"moderate (hour ±20 %, day ±15 %)", 25, 45}
	heavy    = variance{"heavy (hour ±35 %, day ±22 %)", 8, 20}
)

// profiles span a large category down to a rare term.
var profiles = []profile{{"category:large", 40}, {"category:medium", 12}, {"tag:small", 5}, {"term:rare", 2}}

// daily is the share of the peak rate in hour h (0–23): quiet nights, a working-day hump.
func daily(h int) float64 {
	if h < 7 || h > 21 {
		return 0.08
	}
	return 0.08 + 0.92*math.Sin(math.Pi*float64(h-7)/14)
}

// weekly is the share of the weekday rate on day d (time.Weekday).
func weekly(d time.Weekday) float64 {
	switch d {
	case time.Saturday:
		return 0.5
	case time.Sunday:
		return 0.4
	}
	return 1
}

// traffic returns the tickets per slot of one series over weeks weeks from start.
func traffic(rng *rand.Rand, p profile, v variance, start time.Time, weeks int) []int {
	n := int(time.Duration(weeks) * Week / slot)
	out := make([]int, n)
	var dayF, hourF float64
	for i := range out {
		at := start.Add(time.Duration(i) * slot)
		if i%(24*12) == 0 {
			dayF = gamma(rng, v.day)
		}
		if i%12 == 0 {
			hourF = gamma(rng, v.hour)
		}
		rate := p.peak * daily(at.Hour()) * weekly(at.Weekday()) * dayF * hourF / 12
		out[i] = poisson(rng, rate)
	}
	return out
}

// gamma draws from Gamma(k, 1/k): mean 1, variance 1/k (Marsaglia and Tsang).
func gamma(rng *rand.Rand, k float64) float64 {
	d := k - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := rng.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		if u := rng.Float64(); math.Log(u) < 0.5*x*x+d-d*v+d*math.Log(v) {
			return d * v / k
		}
	}
}

// poisson draws from Poisson(lambda) (Knuth; the rates here are small).
func poisson(rng *rand.Rand, lambda float64) int {
	l, k, p := math.Exp(-lambda), 0, 1.0
	for {
		p *= rng.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

// alarms runs the method over slots (tickets per slot from start), judging the window
// ending at every slot boundary from week `from` on, as the detector does each minute,
// with its cooldown; it returns when the alarms were raised.
func alarms(m Method, slots []int, start time.Time, from int) []time.Time {
	perWindow := int(m.Window / slot)
	sum := func(end int) int { // tickets in the window ending at slot index end (exclusive)
		n := 0
		for i := max(end-perWindow, 0); i < end; i++ {
			n += slots[i]
		}
		return n
	}
	var out []time.Time
	var last time.Time
	for end := int(time.Duration(from) * Week / slot); end <= len(slots); end++ {
		t := start.Add(time.Duration(end) * slot)
		count := sum(end)
		if count < m.MinCount || !m.Cooled(last, t.Truncate(time.Hour)) {
			continue
		}
		var samples []int
		for k := 1; k <= m.Weeks; k++ {
			for _, e := range m.SampleEnds(t, k) {
				samples = append(samples, sum(int(e.Sub(start)/slot)))
			}
		}
		if spike, _, _ := m.Judge(count, samples); spike {
			out = append(out, t)
			last = t.Truncate(time.Hour)
		}
	}
	return out
}
