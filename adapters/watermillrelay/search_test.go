package watermillrelay_test

import (
	"context"
	"log/slog"
	"maps"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/nats-io/nats.go"

	"github.com/ticketengine/ticketengine/adapters/eventstore/memstore"
	"github.com/ticketengine/ticketengine/adapters/readmodel/memreadmodel"
	"github.com/ticketengine/ticketengine/adapters/watermillrelay"
	"github.com/ticketengine/ticketengine/projections"
	"github.com/ticketengine/ticketengine/projections/readmodeltest"
)

// mapIndex is a search index in a map, enough to compare what the live path indexed
// with a rebuild.
type mapIndex struct {
	mu   sync.Mutex
	docs map[string]projections.SearchDocument
	pos  uint64
}

func newMapIndex() *mapIndex { return &mapIndex{docs: map[string]projections.SearchDocument{}} }

func (x *mapIndex) Apply(_ context.Context, b projections.SearchBatch) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	if b.Position > 0 && b.Position <= x.pos {
		return nil
	}
	for _, d := range b.Documents {
		x.docs[d.MessageID] = d
	}
	x.pos = b.Position
	return nil
}

func (x *mapIndex) Checkpoint(context.Context) (uint64, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.pos, nil
}

func (x *mapIndex) snapshot() map[string]projections.SearchDocument {
	x.mu.Lock()
	defer x.mu.Unlock()
	return maps.Clone(x.docs)
}

func (x *mapIndex) Search(context.Context, projections.SearchQuery) ([]projections.SearchHit, error) {
	return nil, nil
}
func (x *mapIndex) Reset(context.Context) error { return nil }
func (x *mapIndex) Close() error                { return nil }

// TestRunAllFeedsSearch: one relay and one subscription feed the read-model engine and
// the search projection, in process and over JetStream; the index the live path made
// equals one rebuilt from the event store.
func TestRunAllFeedsSearch(t *testing.T) {
	for _, bus := range []string{"gochannel", "jetstream"} {
		t.Run(bus, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			w := readmodeltest.Random(t, memstore.New(), 31, 20, 60)
			engine, err := projections.NewEngine(ctx, memreadmodel.New())
			if err != nil {
				t.Fatal(err)
			}
			live := newMapIndex()
			search, err := projections.NewSearchIndexer(ctx, live)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := search.CatchUp(ctx, w.Events); err != nil { // the search index at start
				t.Fatal(err)
			}
			b := watermillrelay.NewGoChannel(slog.Default())
			if bus == "jetstream" {
				url, topic := searchNATS(t)
				if b, err = watermillrelay.NewJetStream(ctx, url, topic, slog.Default()); err != nil {
					t.Fatal(err)
				}
			}
			defer b.Close()
			done := make(chan error, 1)
			go func() { done <- watermillrelay.RunAll(ctx, w.Events, b, nil, slog.Default(), engine, search) }()
			rng := rand.New(rand.NewPCG(31, 1))
			for range 120 {
				w.RandomCommand(t, rng)
			}
			head := uint64(len(w.All(t)))
			for deadline := time.Now().Add(20 * time.Second); search.Progress().Committed < head || engine.Position() < head; time.Sleep(10 * time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatalf("search committed %d, engine applied %d, of %d", search.Progress().Committed, engine.Position(), head)
				}
			}
			cancel()
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			rebuilt := newMapIndex()
			x, err := projections.NewSearchIndexer(context.Background(), rebuilt)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := x.CatchUp(context.Background(), w.Events); err != nil {
				t.Fatal(err)
			}
			got, want := live.snapshot(), rebuilt.snapshot()
			if len(want) == 0 || !maps.Equal(got, want) || live.pos != rebuilt.pos {
				t.Fatalf("live: %d documents at %d; rebuilt: %d at %d", len(got), live.pos, len(want), rebuilt.pos)
			}
		})
	}
}

// searchNATS is the test NATS server (TICKETS_TEST_NATS or the local default) and a
// stream of the test's own, deleted at the end; the test is skipped when the server is
// unreachable, and fails when CI=true. (The same as the package's NATS helpers, which
// main has since moved to relaytest: use relaytest.NATSURL and relaytest.Topic there.)
func searchNATS(t *testing.T) (string, string) {
	t.Helper()
	url := os.Getenv("TICKETS_TEST_NATS")
	if url == "" {
		url = "nats://127.0.0.1:4222"
	}
	conn, err := nats.Connect(url, nats.Timeout(3*time.Second))
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("NATS unreachable at %s: %v", url, err)
		}
		t.Skipf("NATS unreachable at %s: %v", url, err)
	}
	topic := "te_search_" + strings.ReplaceAll(uuid.NewString()[:13], "-", "")
	t.Cleanup(func() {
		if js, err := conn.JetStream(); err == nil {
			_ = js.DeleteStream(topic)
		}
		conn.Close()
	})
	return url, topic
}
