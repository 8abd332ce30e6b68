package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/adapters/eventstore/bolt"
	"github.com/ticketengine/ticketengine/adapters/eventstore/bolt/bolttest"
	"github.com/ticketengine/ticketengine/adapters/eventstore/memstore"
	"github.com/ticketengine/ticketengine/application/backup"
	"github.com/ticketengine/ticketengine/application/eventlog"
)

// The verify benchmarks run on a store of benchEvents() events (1,000,000 unless
// TICKETCTL_BENCH_EVENTS says otherwise): tickets of ten events each, with data of the
// size real replies have, sealed directly with eventlog.Seal and appended a whole
// stream per call from several goroutines, so building the store takes seconds, not
// the hours a million commands would.

const eventsPerStream = 10

func benchEvents() int {
	if n, err := strconv.Atoi(os.Getenv("TICKETCTL_BENCH_EVENTS")); err == nil && n > 0 {
		return n
	}
	return 1_000_000
}

var (
	benchDirOnce sync.Once
	benchDir     string
	benchStores  = map[string]eventlog.EventStore{}
	benchMu      sync.Mutex
)

func TestMain(m *testing.M) {
	code := m.Run()
	for _, s := range benchStores {
		s.Close()
	}
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

// benchStore returns the store of that kind, filled once per process.
func benchStore(b *testing.B, kind string) eventlog.EventStore {
	benchMu.Lock()
	defer benchMu.Unlock()
	if s, ok := benchStores[kind]; ok {
		return s
	}
	var s eventlog.EventStore = memstore.New()
	if kind == "bolt" {
		benchDirOnce.Do(func() {
			var err error
			if benchDir, err = os.MkdirTemp("", "ticketctl-bench-"); err != nil {
				b.Fatal(err)
			}
		})
		bs, err := bolt.Open(context.Background(), filepath.Join(benchDir, "events.db"))
		if err != nil {
			b.Fatal(err)
		}
		s = bs
	}
	start := time.Now()
	fillStore(b, s, benchEvents())
	b.Logf("%s store: %d events appended in %s", kind, benchEvents(), time.Since(start).Round(time.Millisecond))
	benchStores[kind] = s
	return s
}

// fillStore appends n events in streams of ten, one append per stream, from as many
// goroutines as the store can use (bbolt groups concurrent appends into one commit).
func fillStore(b *testing.B, s eventlog.EventStore, n int) {
	streams := (n + eventsPerStream - 1) / eventsPerStream
	work := make(chan int, 1024)
	var wg sync.WaitGroup
	errs := make(chan error, 1)
	for range 4 * runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				size := min(eventsPerStream, n-i*eventsPerStream)
				recs := benchStream(i, size)
				if _, err := s.Append(context.Background(), recs[0].Stream, eventlog.NoStream, recs); err != nil {
					select {
					case errs <- err:
					default:
					}
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
	select {
	case err := <-errs:
		b.Fatal(err)
	default:
	}
}

var benchT0 = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

// benchStream is a sealed ticket stream of size replies, about 450 bytes of data each.
func benchStream(i, size int) []eventlog.Record {
	id := uuid.NewSHA1(uuid.NameSpaceOID, []byte(strconv.Itoa(i)))
	stream := eventlog.TicketStream(id)
	recs := make([]eventlog.Record, size)
	for v := range recs {
		data, _ := json.Marshal(map[string]any{
			"body":   fmt.Sprintf("Hello, thanks for your patience. We replaced the toner of printer %d and ran a test page; 打印机已经修好了。 Please tell us if it happens again (reply %d).", i, v),
			"public": v%2 == 0, "agent_id": id.String(),
		})
		recs[v] = eventlog.Record{
			ID: uuid.New(), Stream: stream, Version: int64(v), Type: "TicketReplied", Data: data,
			Meta: eventlog.Metadata{
				Actor: "agent:" + id.String(), CorrelationID: uuid.NewString(), CausationID: uuid.NewString(),
				OccurredAt: benchT0.Add(time.Duration(i)*time.Second + time.Duration(v)*time.Minute),
			},
		}
	}
	if err := eventlog.Seal("", recs); err != nil {
		panic(err)
	}
	return recs
}

// BenchmarkVerify: ticketctl verify over the whole store, by store and worker count.
func BenchmarkVerify(b *testing.B) {
	for _, kind := range []string{"memory", "bolt"} {
		for _, workers := range []int{1, runtime.GOMAXPROCS(0)} {
			b.Run(fmt.Sprintf("store=%s/workers=%d", kind, workers), func(b *testing.B) {
				s := benchStore(b, kind)
				b.ResetTimer()
				for b.Loop() {
					rep, err := verifyStore(context.Background(), s, verifyOptions{Workers: workers}, newProgress("", nil, 0))
					if err != nil || !rep.OK() || rep.Events != benchEvents() {
						b.Fatalf("%d events, %v, %v", rep.Events, err, rep.Problems)
					}
				}
				b.ReportMetric(float64(benchEvents())*float64(b.N)/b.Elapsed().Seconds(), "events/s")
			})
		}
	}
}

// BenchmarkVerifyStreams is the extra cost of verify --streams on bbolt: every stream
// read alone and compared with its verified head.
func BenchmarkVerifyStreams(b *testing.B) {
	s := benchStore(b, "bolt")
	rep, err := verifyStore(context.Background(), s, verifyOptions{}, newProgress("", nil, 0))
	if err != nil || !rep.OK() {
		b.Fatal(err, rep.Problems)
	}
	b.ResetTimer()
	for b.Loop() {
		if more, err := checkStreams(context.Background(), s, rep.Heads, 0); err != nil || len(more) > 0 {
			b.Fatal(err, more)
		}
	}
	b.ReportMetric(float64(len(rep.Heads))*float64(b.N)/b.Elapsed().Seconds(), "streams/s")
}

// BenchmarkComputeHash is the cost verify cannot avoid: one hash per event.
func BenchmarkComputeHash(b *testing.B) {
	r := benchStream(1, 1)[0]
	for b.Loop() {
		if _, err := eventlog.ComputeHash(r); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReadAll is the other cost: reading the store in pages, without hashing.
func BenchmarkReadAll(b *testing.B) {
	s := benchStore(b, "bolt")
	b.ResetTimer()
	for b.Loop() {
		n := 0
		if err := backup.ReadAllPages(context.Background(), s, func(p []eventlog.Record) error { n += len(p); return nil }); err != nil || n != benchEvents() {
			b.Fatal(n, err)
		}
	}
	b.ReportMetric(float64(benchEvents())*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkImport imports an export of interleaved streams (every append is one event,
// the worst case: no two consecutive lines share a stream) into a fresh store.
func BenchmarkImport(b *testing.B) {
	const streams, each = 1000, 20
	src := memstore.New()
	all := make([][]eventlog.Record, streams)
	for i := range all {
		all[i] = benchStream(i, each)
	}
	for v := range each {
		for i := range all {
			if _, err := src.Append(context.Background(), all[i][v].Stream, int64(v)-1, all[i][v:v+1]); err != nil {
				b.Fatal(err)
			}
		}
	}
	var file bytes.Buffer
	if _, err := backup.Export(context.Background(), src, backup.Filter{}, &file); err != nil {
		b.Fatal(err)
	}
	for _, kind := range []string{"memory", "bolt"} {
		b.Run("store="+kind, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				var dst eventlog.EventStore = memstore.New()
				if kind == "bolt" {
					dst = bolttest.Open(b)
				}
				b.StartTimer()
				n, err := backup.Import(context.Background(), dst, bytes.NewReader(file.Bytes()))
				if err != nil || n != streams*each {
					b.Fatal(n, err)
				}
				b.StopTimer()
				dst.Close()
				b.StartTimer()
			}
			b.ReportMetric(float64(streams*each)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
		})
	}
}
