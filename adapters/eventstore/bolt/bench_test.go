package bolt_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/ticketengine/ticketengine/adapters/eventstore/bolt"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/application/eventstoretest"
)

// BenchmarkAppend: each op appends one sealed event to a new stream, from 1, 8 or 64
// writer goroutines; every append is fsynced before it returns. Records are made before
// the timer starts, so the figure is the store's, not the sealing's.
func BenchmarkAppend(b *testing.B) {
	for _, writers := range []int{1, 8, 64} {
		b.Run(fmt.Sprintf("writers=%d", writers), func(b *testing.B) {
			s := openStore(b, filepath.Join(b.TempDir(), "events.db"))
			defer s.Close()
			recs := make([][]eventlog.Record, b.N)
			for i := range recs {
				stream := eventstoretest.NewStreamName()
				recs[i] = eventstoretest.MakeRecords(b, stream, 0, "", 1)
			}
			var next atomic.Int64
			var wg sync.WaitGroup
			b.ResetTimer()
			for range writers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := next.Add(1) - 1; i < int64(b.N); i = next.Add(1) - 1 {
						r := recs[i]
						if _, err := s.Append(context.Background(), r[0].Stream, eventlog.NoStream, r); err != nil {
							b.Error(err)
							return
						}
					}
				}()
			}
			wg.Wait()
			b.StopTimer()
			reportAppend(b, s.Stats())
		})
	}
}

func reportAppend(b *testing.B, st bolt.Stats) {
	b.ReportMetric(float64(st.Events)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(st.Commits)/b.Elapsed().Seconds(), "commits/s")
	if st.Commits > 0 {
		b.ReportMetric(float64(st.Appends)/float64(st.Commits), "appends/commit")
	}
}

// BenchmarkCodec compares the store's binary encoding with the JSON of eventlog.Record
// (encode and decode one record, as an append and a read do).
func BenchmarkCodec(b *testing.B) {
	r := eventstoretest.MakeRecords(b, eventstoretest.NewStreamName(), 0, "", 1)[0]
	b.Run("binary", func(b *testing.B) {
		var size int
		for b.Loop() {
			enc, dec := bolt.CodecRoundTrip(r)
			if dec.Hash != r.Hash {
				b.Fatal("round trip changed the record")
			}
			size = enc
		}
		b.ReportMetric(float64(size), "bytes/record")
	})
	b.Run("json", func(b *testing.B) {
		var size int
		for b.Loop() {
			enc, err := json.Marshal(r)
			if err != nil {
				b.Fatal(err)
			}
			var dec eventlog.Record
			if err := json.Unmarshal(enc, &dec); err != nil || dec.Hash != r.Hash {
				b.Fatal("round trip changed the record", err)
			}
			size = len(enc)
		}
		b.ReportMetric(float64(size), "bytes/record")
	})
}
