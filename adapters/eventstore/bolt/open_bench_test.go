package bolt_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/eventlog"
)

// BenchmarkOpenLarge measures start-up on a store of a million events (100,000 streams of
// ten): Open, read the last page of read-all (what a catching-up subscriber does first),
// append one event, Close. The file is built once, before the measured sub-benchmark.
func BenchmarkOpenLarge(b *testing.B) {
	const streams, perStream = 100_000, 10
	path := filepath.Join(b.TempDir(), "events.db")
	built := time.Now()
	buildLarge(b, path, streams, perStream)
	info, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("built %d events in %s; file %d MiB", streams*perStream, time.Since(built).Round(time.Millisecond), info.Size()>>20)
	b.Run(fmt.Sprintf("events=%d", streams*perStream), func(b *testing.B) {
		ctx := context.Background()
		for b.Loop() {
			s := openStore(b, path)
			page, err := s.ReadAll(ctx, streams*perStream-100, 100)
			if err != nil || len(page) != 100 || page[99].Position != streams*perStream {
				b.Fatalf("last page after open: %d records, err %v", len(page), err)
			}
			stream := eventlog.TicketStream(uuid.New())
			if _, err := s.Append(ctx, stream, eventlog.NoStream, plainRecords(stream, 1)); err != nil {
				b.Fatal(err)
			}
			if err := s.Close(); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// buildLarge appends streams×perStream events from 16 goroutines. Hashes are not
// sealed (nothing here verifies them), which keeps the build quick.
func buildLarge(b *testing.B, path string, streams, perStream int) {
	s := openStore(b, path)
	defer s.Close()
	work := make(chan int)
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range work {
				stream := eventlog.TicketStream(uuid.New())
				if _, err := s.Append(context.Background(), stream, eventlog.NoStream, plainRecords(stream, perStream)); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	for i := range streams {
		work <- i
	}
	close(work)
	wg.Wait()
}

func plainRecords(stream string, n int) []eventlog.Record {
	out := make([]eventlog.Record, n)
	at := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	for i := range out {
		out[i] = eventlog.Record{
			ID: uuid.New(), Stream: stream, Version: int64(i), Type: "TicketReplied",
			Data: []byte(`{"body":"您好，我们已收到您的请求 thanks for waiting","public":true}`),
			Meta: eventlog.Metadata{Actor: "agent:bench", CorrelationID: uuid.NewString(), OccurredAt: at},
			Hash: "0000000000000000000000000000000000000000000000000000000000000000",
		}
	}
	return out
}
