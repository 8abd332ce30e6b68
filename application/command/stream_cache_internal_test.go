package command

import (
	"context"
	"sync"
	"testing"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/auth"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

func TestStreamCacheIsALeastRecentlyUsedMap(t *testing.T) {
	if NewStreamCache(0) != nil {
		t.Fatal("size 0 must disable the cache")
	}
	var off *StreamCache
	off.put(cachedStream{stream: "a"})
	if _, ok := off.get("a"); ok || off.len() != 0 {
		t.Fatal("a disabled cache held a stream")
	}
	c := NewStreamCache(2)
	c.put(cachedStream{stream: "a", version: 3})
	c.put(cachedStream{stream: "b", version: 1})
	if _, ok := c.get("a"); !ok { // a is now the most recently used
		t.Fatal("a is missing")
	}
	c.put(cachedStream{stream: "c", version: 0})
	if _, ok := c.get("b"); ok || c.len() != 2 {
		t.Fatalf("b should have been evicted (len %d)", c.len())
	}
	c.put(cachedStream{stream: "a", version: 2}) // older than what is held
	if e, _ := c.get("a"); e.version != 3 {
		t.Fatalf("an older state replaced a newer one: version %d", e.version)
	}
	c.put(cachedStream{stream: "a", version: 4})
	if e, _ := c.get("a"); e.version != 4 {
		t.Fatalf("a newer state was not kept: version %d", e.version)
	}
	c.drop("a")
	if _, ok := c.get("a"); ok || c.len() != 1 {
		t.Fatal("a dropped stream is still held")
	}
}

// A cache entry that does not match the store (which cannot happen with an append-only
// store, but a store restored from an older backup behind a running process could do it)
// is noticed and dropped, not built on.
func TestStreamCacheDropsAnEntryTheStoreContradicts(t *testing.T) {
	store := &sliceStore{streams: map[string][]eventlog.Record{}}
	secrets, err := auth.NewSecrets(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	deps := Config{Store: store, Clock: application.SystemClock{}, Policy: domain.DefaultSLAPolicy(), Secrets: secrets}
	other := NewCommands(deps)
	deps.StreamCacheSize = 10
	c := NewCommands(deps)
	cache := c.Reply.s.cache
	ctx := context.Background()
	meta := CommandMeta{Actor: "agent:test"}
	rec, err := c.Receive.Handle(ctx, ReceiveTicket{Channel: domain.ChannelEmail, Subject: "x", Customer: domain.Customer{Name: "A", Email: "a@example.com", Tier: domain.TierCore}}, meta)
	if err != nil {
		t.Fatal(err)
	}
	id := rec.Ticket.ID
	stream := eventlog.TicketStream(id)
	bogus := func(version int64) {
		e, _ := cache.get(stream)
		st := e.state.(domain.TicketState)
		st.PublicReplies, st.Version = 99, version
		cache.put(cachedStream{stream: stream, state: st, version: version, hash: "not the stored hash", keys: e.keys})
	}
	check := func(what string, res TicketResult) {
		t.Helper()
		recs, _ := store.ReadStream(ctx, stream)
		want, err := FoldTicket(recs)
		if err != nil {
			t.Fatal(err)
		}
		if res.Ticket != want.State() || res.Ticket.PublicReplies == 99 {
			t.Fatalf("%s: answered %+v, stored %+v", what, res.Ticket, want.State())
		}
		v := eventlog.NewChainVerifier()
		for _, r := range recs {
			v.Add(r)
		}
		if len(v.Problems) != 0 {
			t.Fatalf("%s: chain problems %v", what, v.Problems)
		}
	}
	replyOn := func(c *Commands) TicketResult {
		t.Helper()
		res, err := c.Reply.Handle(ctx, ReplyToTicket{TicketID: id, Body: "b", Public: true}, meta)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	// The tail read does not continue the cached hash.
	bogus(0)
	replyOn(other)
	check("a tail that does not continue the cached state", replyOn(c))
	// The cache is ahead of the store: the append is refused, the retry reads it all.
	bogus(7)
	check("a cached version the store does not have", replyOn(c))
	if e, _ := cache.get(stream); e.version != 3 {
		t.Fatalf("the cache holds version %d, want 3", e.version)
	}
}

// sliceStore is the least of an event store, for tests inside the package (which cannot
// import the adapters).
type sliceStore struct {
	mu      sync.Mutex
	streams map[string][]eventlog.Record
}

func (s *sliceStore) Append(_ context.Context, stream string, expected int64, recs []eventlog.Record) ([]eventlog.Record, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if cur := int64(len(s.streams[stream])) - 1; cur != expected {
		return nil, &eventlog.VersionConflictError{Stream: stream, Expected: expected, Actual: cur}
	}
	s.streams[stream] = append(s.streams[stream], recs...)
	return recs, nil
}

func (s *sliceStore) ReadStream(ctx context.Context, stream string) ([]eventlog.Record, error) {
	return s.ReadStreamFrom(ctx, stream, 0)
}

func (s *sliceStore) ReadStreamFrom(_ context.Context, stream string, from int64) ([]eventlog.Record, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	recs := s.streams[stream]
	return append([]eventlog.Record(nil), recs[min(from, int64(len(recs))):]...), nil
}

func (s *sliceStore) ReadAll(context.Context, uint64, int) ([]eventlog.Record, error) {
	return nil, nil
}

func (s *sliceStore) Subscribe(ctx context.Context, _ uint64, _ func(context.Context, eventlog.Record) error) error {
	<-ctx.Done()
	return ctx.Err()
}

func (s *sliceStore) Close() error { return nil }
