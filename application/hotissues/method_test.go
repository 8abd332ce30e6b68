package hotissues

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestJudgeUsesMedianSpreadAndMinimum(t *testing.T) {
	m := DefaultMethod()
	flat := []int{4, 5, 5, 6, 4, 5, 6, 5, 4, 5}
	for _, c := range []struct {
		count int
		spike bool
	}{{9, false}, {18, false}, {19, true}, {40, true}} {
		spike, base, thr := m.Judge(c.count, flat)
		if spike != c.spike || base != 5 {
			t.Errorf("Judge(%d) = %v (baseline %v, threshold %.2f), want %v at baseline 5", c.count, spike, base, thr, c.spike)
		}
	}
	// A quiet series: the minimum count decides, not a spread of zero.
	if spike, _, thr := m.Judge(9, make([]int, 20)); spike || thr != float64(m.MinCount) {
		t.Errorf("a quiet series: spike %v at threshold %v, want none below %d", spike, thr, m.MinCount)
	}
	// One odd week (a past spike) moves neither the median nor the spread much.
	odd := append([]int{40, 45, 50, 41, 39}, flat...)
	if spike, base, _ := m.Judge(25, odd); !spike || base != 5 {
		t.Errorf("a past spike in the baseline hides a new one: spike %v baseline %v", spike, base)
	}
}

func TestSampleEndsFollowTheWeek(t *testing.T) {
	m := DefaultMethod()
	at := time.Date(2026, 3, 30, 10, 0, 0, 0, time.UTC) // a Monday
	ends := m.SampleEnds(at, 1)
	if len(ends) != 5 || !ends[2].Equal(at.Add(-Week)) || ends[0].Weekday() != time.Monday || ends[4].Sub(ends[0]) != 2*time.Hour {
		t.Errorf("SampleEnds = %v", ends)
	}
	if from, to := m.Span(at, 2); !from.Equal(at.Add(-2*Week-2*time.Hour)) || !to.Equal(at.Add(-2*Week+time.Hour)) {
		t.Errorf("Span = %v, %v", from, to)
	}
}

// simWeeks: 4 weeks to fill the baseline, then 20 judged.
const simWeeks, warmWeeks = 24, 4

var simStart = time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC) // a Monday

// falseAlarms runs the synthetic traffic of one seed: alarms per series over the judged
// weeks (there is no spike in it, so every alarm is false).
func falseAlarms(seed uint64, v variance) map[string]int {
	m := DefaultMethod()
	out := map[string]int{}
	for i, p := range profiles {
		rng := rand.New(rand.NewPCG(seed, uint64(i)))
		out[p.name] = len(alarms(m, traffic(rng, p, v, simStart, simWeeks), simStart, warmWeeks))
	}
	return out
}

// TestFalseAlarmRate runs one pinned seed in CI; HOTISSUES_SEEDS=1-200 runs many and
// prints the rates docs/HOT-ISSUES.md reports.
func TestFalseAlarmRate(t *testing.T) {
	seeds := []uint64{20261202}
	if s := os.Getenv("HOTISSUES_SEEDS"); s != "" {
		lo, hi, _ := strings.Cut(s, "-")
		a, err1 := strconv.ParseUint(lo, 10, 64)
		b, err2 := strconv.ParseUint(hi, 10, 64)
		if err1 != nil || err2 != nil || b < a {
			t.Fatalf("HOTISSUES_SEEDS=%q: want FROM-TO", s)
		}
		seeds = nil
		for x := a; x <= b; x++ {
			seeds = append(seeds, x)
		}
	}
	for _, v := range []variance{moderate, heavy} {
		total := map[string]int{}
		worst := map[string]int{}
		for _, seed := range seeds {
			for name, n := range falseAlarms(seed, v) {
				total[name] += n
				worst[name] = max(worst[name], n)
			}
		}
		judged := float64(len(seeds) * (simWeeks - warmWeeks))
		for _, p := range profiles {
			rate := float64(total[p.name]) / judged
			t.Logf("%s, %-16s peak %4.1f/h: %d false alarms in %d series-weeks = %.3f per week (worst seed %d in %d weeks)",
				v.name, p.name, p.peak, total[p.name], int(judged), rate, worst[p.name], simWeeks-warmWeeks)
			// Moderate variance: at most 0.25 a week for the pinned seed (one in four
			// weeks; over many seeds the rates are lower, docs/HOT-ISSUES.md).
			if v == moderate && rate > 0.25 {
				t.Errorf("%s: %.3f false alarms per week under %s; docs/HOT-ISSUES.md promises at most 0.25", p.name, rate, v.name)
			}
		}
	}
}

// TestBurstInSeasonalTrafficIsFound: the same traffic with 30 more tickets in one hour of
// a weekday afternoon raises an alarm within that hour in a series of up to 5 an hour
// (a hot issue's own category or terms); in busier series 30 more is within the noise
// the method allows for (docs/HOT-ISSUES.md).
func TestBurstInSeasonalTrafficIsFound(t *testing.T) {
	m := DefaultMethod()
	at := simStart.Add(10*Week + 2*24*time.Hour + 14*time.Hour) // a Wednesday, 14:00
	for i, p := range profiles[2:] {
		rng := rand.New(rand.NewPCG(7, uint64(i)))
		slots := traffic(rng, p, moderate, simStart, 11)
		first := int(at.Sub(simStart) / slot)
		for k := range 30 {
			slots[first+k%12]++
		}
		found := false
		for _, a := range alarms(m, slots, simStart, 10) {
			if !a.Before(at) && !a.After(at.Add(time.Hour)) {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: a burst of 30 in an hour was not found", p.name)
		}
	}
}

func ExampleSeries() {
	fmt.Println(Series(KindTerm, "退款"))
	// Output: term:退款
}
