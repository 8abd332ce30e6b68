package esdb_test

import (
	"context"
	"errors"
	"testing"

	"github.com/ticketengine/ticketengine/adapters/eventstore/esdb/esdbtest"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/application/eventstoretest"
)

// The benchmarks measure the adapter and the official client over gRPC on loopback,
// against the in-process test server: they say what the adapter costs, not what a real
// EventStoreDB (which writes to disk and replicates) can do.

// BenchmarkAppend appends one record at a time to one stream, as a command does.
func BenchmarkAppend(b *testing.B) { benchAppend(b, 1) }

// BenchmarkAppendBatch10 appends ten records at once; the adapter reads a batch back
// for its positions, so this shows that extra round trip.
func BenchmarkAppendBatch10(b *testing.B) { benchAppend(b, 10) }

func benchAppend(b *testing.B, batch int) {
	srv := esdbtest.Start(b)
	s := open(b, srv.ConnectionString())
	ctx := context.Background()
	stream := eventstoretest.NewStreamName()
	recs := eventstoretest.MakeRecords(b, stream, 0, "", b.N*batch)
	b.ResetTimer()
	expected := eventlog.NoStream
	for i := range b.N {
		if _, err := s.Append(ctx, stream, expected, recs[i*batch:(i+1)*batch]); err != nil {
			b.Fatal(err)
		}
		expected += int64(batch)
	}
	b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkAppendParallel appends one record at a time from many goroutines, each to
// its own stream, as concurrent commands on different tickets do.
func BenchmarkAppendParallel(b *testing.B) {
	srv := esdbtest.Start(b)
	s := open(b, srv.ConnectionString())
	ctx := context.Background()
	b.SetParallelism(8)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		stream := eventstoretest.NewStreamName()
		prev, expected := "", eventlog.NoStream
		for pb.Next() {
			recs := eventstoretest.MakeRecords(b, stream, expected+1, prev, 1)
			if _, err := s.Append(ctx, stream, expected, recs); err != nil {
				b.Error(err)
				return
			}
			prev, expected = recs[0].Hash, expected+1
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkSubscribeCatchUp delivers stored records to a subscription from the start,
// as a projection rebuild does; one op is one record delivered.
func BenchmarkSubscribeCatchUp(b *testing.B) {
	srv := esdbtest.Start(b)
	s := open(b, srv.ConnectionString())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stream := eventstoretest.NewStreamName()
	recs := eventstoretest.MakeRecords(b, stream, 0, "", b.N)
	for i := 0; i < b.N; i += 100 {
		end := min(i+100, b.N)
		if _, err := s.Append(ctx, stream, int64(i)-1, recs[i:end]); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	seen := 0
	errDone := errors.New("all delivered")
	err := s.Subscribe(ctx, 0, func(context.Context, eventlog.Record) error {
		seen++
		if seen == b.N {
			return errDone
		}
		return nil
	})
	if err != errDone {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}
