package main

import (
	"math/rand/v2"
	"sort"
	"testing"
	"time"
)

// TestHistogramQuantilesWithinPrecision compares the histogram's quantiles with the exact
// ones of the sorted samples: within the 1/64 relative precision of its buckets.
func TestHistogramQuantilesWithinPrecision(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var h histogram
	samples := make([]time.Duration, 50_000)
	for i := range samples {
		// log-normal-ish: most fast, a long tail, as request latencies are
		d := time.Duration(float64(200*time.Microsecond) * (1 + r.ExpFloat64()*r.ExpFloat64()*20))
		samples[i] = d.Truncate(time.Microsecond)
		h.Record(samples[i])
	}
	sort.Slice(samples, func(i, j int) bool { return samples[i] < samples[j] })
	for _, q := range []float64{0.5, 0.9, 0.99, 0.999} {
		exact := samples[int(q*float64(len(samples)))-1]
		got := h.Quantile(q)
		if diff := float64(got-exact) / float64(exact); diff < -1.0/64 || diff > 1.0/64 {
			t.Errorf("q%.3f: histogram %v, exact %v (%.2f%% off)", q, got, exact, diff*100)
		}
	}
	if h.Max() != samples[len(samples)-1] {
		t.Errorf("max %v, want %v", h.Max(), samples[len(samples)-1])
	}
	if h.Count() != uint64(len(samples)) {
		t.Errorf("count %d", h.Count())
	}
}

func TestHistogramBucketsCoverEveryValue(t *testing.T) {
	for _, v := range []uint64{0, 1, 127, 128, 129, 255, 256, 1000, 123_456, 1 << 40, 1<<64 - 1} {
		i := bucketOf(v)
		if i < 0 || i >= histBuckets {
			t.Fatalf("%d: bucket %d out of range", v, i)
		}
		if hi := bucketValue(i); hi < v || (i > 0 && bucketValue(i-1) >= v) {
			t.Errorf("%d: bucket %d spans (%d, %d]", v, i, bucketValue(i-1), hi)
		}
	}
}
