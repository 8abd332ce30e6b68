package pgstore

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/application/eventstoretest"
)

// BenchmarkAppend measures appends of one event each (a command's usual append) by N
// concurrent writers, each on its own streams, against a fresh schema. Records are made
// and sealed before the timer starts: this measures the store, not SHA-256.
func BenchmarkAppend(b *testing.B) {
	for _, writers := range []int{1, 8, 64} {
		b.Run(fmt.Sprintf("writers=%d", writers), func(b *testing.B) {
			benchmarkAppend(b, writers)
		})
	}
}

// eventsPerStream bounds the streams' length, as tickets have tens of events, not millions.
const eventsPerStream = 50

func benchmarkAppend(b *testing.B, writers int) {
	s, _ := openClosing(b)
	ctx := context.Background()
	perWriter := (b.N + writers - 1) / writers
	work := make([][]eventlog.Record, writers)
	for w := range work {
		for done := 0; done < perWriter; done += eventsPerStream {
			stream := eventstoretest.NewStreamName()
			work[w] = append(work[w], eventstoretest.MakeRecords(b, stream, 0, "", min(eventsPerStream, perWriter-done))...)
		}
	}
	var appended atomic.Int64 // checked against Stats
	var wg sync.WaitGroup
	b.ResetTimer()
	for w := range work {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, r := range work[w] {
				if _, err := s.Append(ctx, r.Stream, r.Version-1, []eventlog.Record{r}); err != nil {
					b.Error(err)
					return
				}
				appended.Add(1)
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	st := s.Stats()
	if st.Events != uint64(appended.Load()) {
		b.Fatalf("stats count %d events, the writers %d", st.Events, appended.Load())
	}
	b.ReportMetric(float64(st.Events)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(st.Commits)/b.Elapsed().Seconds(), "commits/s")
	if st.Commits > 0 {
		b.ReportMetric(float64(st.Appends)/float64(st.Commits), "appends/commit")
	}
}
