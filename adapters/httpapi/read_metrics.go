package httpapi

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// lagCollector asks the read side for its lag at every scrape, so the gauges are never
// older than the scrape.
type lagCollector struct {
	rs      ReadSide
	log     *slog.Logger
	events  *prometheus.Desc
	seconds *prometheus.Desc
	pos     *prometheus.Desc
}

func newLagCollector(rs ReadSide, log *slog.Logger) *lagCollector {
	return &lagCollector{rs: rs, log: log,
		events:  prometheus.NewDesc("tickets_projection_lag_events", "Events stored but not yet applied by the projection.", []string{"projection"}, nil),
		seconds: prometheus.NewDesc("tickets_projection_lag_seconds", "Age of the oldest event the projection has not applied (0 when caught up).", []string{"projection"}, nil),
		pos:     prometheus.NewDesc("tickets_projection_position", "Global position the projection has applied.", []string{"projection"}, nil),
	}
}

// Describe implements prometheus.Collector.
func (c *lagCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.events
	ch <- c.seconds
	ch <- c.pos
}

// Collect implements prometheus.Collector. The scrape has no context of its own: a
// short timeout bounds it.
func (c *lagCollector) Collect(ch chan<- prometheus.Metric) {
	lags, ok := scrape(c.log, "projection lag", c.rs.Lag)
	if !ok {
		return
	}
	for _, l := range lags {
		ch <- prometheus.MustNewConstMetric(c.events, prometheus.GaugeValue, float64(l.Events), l.Projection)
		ch <- prometheus.MustNewConstMetric(c.seconds, prometheus.GaugeValue, l.Seconds, l.Projection)
		ch <- prometheus.MustNewConstMetric(c.pos, prometheus.GaugeValue, float64(l.Position), l.Projection)
	}
}

// scrape reads what a collector exposes, bounded by a short timeout since a scrape has
// no context of its own; a failed read is logged as what being unavailable, and ok is
// false.
func scrape[T any](log *slog.Logger, what string, read func(context.Context) (T, error)) (v T, ok bool) {
	ctx, cancel := context.WithTimeout(context.TODO(), 2*time.Second)
	defer cancel()
	v, err := read(ctx)
	if err != nil {
		log.Warn(what+" unavailable", "err", err)
		return v, false
	}
	return v, true
}
