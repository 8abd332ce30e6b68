package service

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/ticketengine/ticketengine/application/eventlog"
)

// meteredStore times appends: the write path's only I/O that waits for the disk.
type meteredStore struct {
	eventlog.EventStore
	appends *prometheus.HistogramVec
}

func instrumentStore(s eventlog.EventStore, reg *prometheus.Registry) eventlog.EventStore {
	h := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "tickets_append_duration_seconds",
		Help:    "Time to append to the event store (durable when it returns), by outcome.",
		Buckets: []float64{.0002, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, 1},
	}, []string{"outcome"})
	reg.MustRegister(h)
	return &meteredStore{EventStore: s, appends: h}
}

func (m *meteredStore) Append(ctx context.Context, stream string, expected int64, recs []eventlog.Record) ([]eventlog.Record, error) {
	start := time.Now()
	out, err := m.EventStore.Append(ctx, stream, expected, recs)
	outcome := "ok"
	if err != nil {
		outcome = "error"
	}
	m.appends.WithLabelValues(outcome).Observe(time.Since(start).Seconds())
	return out, err
}
