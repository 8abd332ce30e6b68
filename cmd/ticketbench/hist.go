package main

import (
	"math/bits"
	"sync/atomic"
	"time"
)

// histogram records latencies in microseconds in HDR-style log-linear buckets: values
// below 128 µs exactly, above that with 64 sub-buckets per power of two, so any quantile
// it reports is within 1/64 (1.6 %) of the true sample while memory stays fixed (a few
// KiB) however long the run. Record is lock-free, so every worker shares one histogram
// per request kind.
type histogram struct {
	counts [histBuckets]atomic.Uint64
	total  atomic.Uint64
	max    atomic.Uint64
}

const (
	subBits     = 7
	subCount    = 1 << subBits // values below this are exact
	subHalf     = subCount / 2
	histBuckets = subCount + (64-subBits)*subHalf
)

// bucketOf maps a value to its bucket index.
func bucketOf(v uint64) int {
	if v < subCount {
		return int(v)
	}
	shift := bits.Len64(v) - subBits // ≥ 1
	sub := v >> uint(shift)          // in [subHalf, subCount)
	return subCount + (shift-1)*subHalf + int(sub-subHalf)
}

// bucketValue is the highest value a bucket holds (quantiles round up, as HDR does).
func bucketValue(i int) uint64 {
	if i < subCount {
		return uint64(i)
	}
	shift := (i-subCount)/subHalf + 1
	sub := uint64((i-subCount)%subHalf + subHalf)
	return (sub+1)<<uint(shift) - 1
}

// Record adds one latency.
func (h *histogram) Record(d time.Duration) {
	us := uint64(max(d.Microseconds(), 0))
	h.counts[bucketOf(us)].Add(1)
	h.total.Add(1)
	for {
		m := h.max.Load()
		if us <= m || h.max.CompareAndSwap(m, us) {
			return
		}
	}
}

// Count is the number of values recorded.
func (h *histogram) Count() uint64 { return h.total.Load() }

// Max is the largest value recorded, exactly.
func (h *histogram) Max() time.Duration { return time.Duration(h.max.Load()) * time.Microsecond }

// Quantile returns the value at or below which the fraction q of the values lie (0 when empty).
func (h *histogram) Quantile(q float64) time.Duration {
	n := h.total.Load()
	if n == 0 {
		return 0
	}
	rank := uint64(q*float64(n) + 0.5)
	rank = min(max(rank, 1), n)
	var seen uint64
	for i := range h.counts {
		seen += h.counts[i].Load()
		if seen >= rank {
			v := min(bucketValue(i), h.max.Load())
			return time.Duration(v) * time.Microsecond
		}
	}
	return h.Max()
}
