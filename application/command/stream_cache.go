package command

import (
	"container/list"
	"sync"
)

// StreamCache keeps, for the streams commands used last, the folded state at some version
// together with what the next command on the stream needs besides it: the last record's
// hash (the next prev_hash) and the idempotency keys of its records. A command then reads
// only the records after that version (EventStore.ReadStreamFrom) and folds them on, instead
// of reading and decoding the whole stream.
//
// Why a cached state cannot be wrong, even with other processes appending to the same
// stream: streams are append-only and a stored record never changes, so the state folded
// from versions 0..v is the same whenever and wherever it was folded. The cache only ever
// holds states folded from records read from the store or acknowledged by its Append, and
// every command still reads the stream's tail after the cached version, so it sees every
// record appended since by anyone; the append's expected version catches what lands after
// that read. After a lost race the entry is dropped and the retry reads the whole stream.
//
// It is a least-recently-used map of at most max streams, safe for concurrent use. A nil
// *StreamCache is a disabled cache: it holds nothing.
type StreamCache struct {
	mu    sync.Mutex
	max   int
	order *list.List // of *cachedStream, the most recently used first
	byKey map[string]*list.Element
}

// cachedStream is one stream's entry. It is never changed once stored: put replaces it,
// and keys is only ever extended into a new array.
type cachedStream struct {
	stream  string
	state   any   // the aggregate's state, a value (domain.TicketState, domain.AgentState)
	version int64 // of the last record folded into state
	hash    string
	keys    []idemKey
}

// idemKey is what the idempotency check needs of one record that carries a key.
type idemKey struct {
	key, actor, requestHash string
	n                       int64 // records in the stream once this one was appended
}

// NewStreamCache returns a cache of at most size streams, or nil (disabled) for size <= 0.
func NewStreamCache(size int) *StreamCache {
	if size <= 0 {
		return nil
	}
	return &StreamCache{max: size, order: list.New(), byKey: make(map[string]*list.Element, min(size, 1<<16))}
}

// get returns the stream's entry and marks it used.
func (c *StreamCache) get(stream string) (cachedStream, bool) {
	if c == nil {
		return cachedStream{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byKey[stream]
	if !ok {
		return cachedStream{}, false
	}
	c.order.MoveToFront(el)
	return *el.Value.(*cachedStream), true
}

// put stores an entry, unless the cache already holds the stream at a later version
// (a concurrent command got further; its entry is as true and more useful). It evicts
// the least recently used stream when full.
func (c *StreamCache) put(e cachedStream) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byKey[e.stream]; ok {
		if el.Value.(*cachedStream).version <= e.version {
			el.Value = &e
		}
		c.order.MoveToFront(el)
		return
	}
	c.byKey[e.stream] = c.order.PushFront(&e)
	for c.order.Len() > c.max {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.byKey, last.Value.(*cachedStream).stream)
	}
}

// drop forgets a stream.
func (c *StreamCache) drop(stream string) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byKey[stream]; ok {
		c.order.Remove(el)
		delete(c.byKey, stream)
	}
}

// len says how many streams the cache holds.
func (c *StreamCache) len() int {
	if c == nil {
		return 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}
