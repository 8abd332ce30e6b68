package httpapi

import (
	"context"
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/ticketengine/ticketengine/projections"
)

// failureReader is a read side that reports the records its projections skipped
// (projections.Service does).
type failureReader interface {
	Failures(ctx context.Context) ([]projections.FailureCount, error)
}

// failureCollector exposes tickets_projection_failures_total: the records each
// projection of this process skipped as failed since it started (docs/READMODELS.md).
type failureCollector struct {
	rs    failureReader
	log   *slog.Logger
	total *prometheus.Desc
}

func newFailureCollector(rs failureReader, log *slog.Logger) *failureCollector {
	return &failureCollector{rs: rs, log: log, total: prometheus.NewDesc("tickets_projection_failures_total",
		"Events the projection skipped because it cannot project them (recorded in the read model), since the process started.",
		[]string{"projection"}, nil)}
}

// Describe implements prometheus.Collector.
func (c *failureCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.total }

// Collect implements prometheus.Collector.
func (c *failureCollector) Collect(ch chan<- prometheus.Metric) {
	fs, ok := scrape(c.log, "projection failures", c.rs.Failures)
	if !ok {
		return
	}
	for _, f := range fs {
		ch <- prometheus.MustNewConstMetric(c.total, prometheus.CounterValue, float64(f.Skipped), f.Projection)
	}
}

// readyFailures is what /readyz says of skipped records: per projection, how many the
// read model has recorded (only those with any); nil without a read side that knows.
func (s *Server) readyFailures(ctx context.Context) map[string]int {
	fr, ok := s.ReadSide.(failureReader)
	if !ok {
		return nil
	}
	fs, err := fr.Failures(ctx)
	if err != nil {
		s.log.Warn("projection failures unavailable", "err", err)
		return nil
	}
	out := map[string]int{}
	for _, f := range fs {
		if f.Recorded > 0 {
			out[f.Projection] = f.Recorded
		}
	}
	return out
}
