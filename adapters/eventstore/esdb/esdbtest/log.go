package esdbtest

import (
	"sync"

	"github.com/google/uuid"
)

// Expected revisions as the real server encodes them internally (ExpectedVersion in
// EventStore.Core): a concrete revision is ≥ 0.
const (
	expectNoStream     int64 = -1
	expectAny          int64 = -2
	expectStreamExists int64 = -4
)

// firstPosition is where the first record of the log starts. A real transaction file
// starts with its own records too, so $all positions never start at 0 or 1.
const firstPosition = 1024

// event is one stored event, as the real server keeps a prepare record: its $all
// position is its log position, and commit == prepare (what EventStoreDB 20+ reports
// for every event written through gRPC).
type event struct {
	id       uuid.UUID
	stream   string
	revision uint64
	position uint64
	meta     map[string]string // type, content-type, created
	custom   []byte
	data     []byte
}

// proposed is an event sent by a client, before the log gives it a revision and position.
type proposed struct {
	id     uuid.UUID
	meta   map[string]string
	custom []byte
	data   []byte
}

// eventLog is the in-memory transaction file: every event in $all order, and an index
// per stream. changed is closed and replaced on every write, to wake subscriptions.
type eventLog struct {
	mu      sync.RWMutex
	all     []*event
	streams map[string][]*event
	next    uint64
	changed chan struct{}
	created func() string
}

func newEventLog(created func() string) *eventLog {
	return &eventLog{streams: map[string][]*event{}, next: firstPosition, changed: make(chan struct{}), created: created}
}

// writeResult is what a write decided, in the terms of the real server's
// WriteEventsCompleted: on success the last revision and the positions (commit of the
// last event, prepare of the first); otherwise the stream's current version.
type writeResult struct {
	wrong           bool
	current         int64 // -1: no stream
	lastRevision    int64
	commit, prepare uint64
	written         bool // false for an idempotent repeat
}

// write appends events to a stream if the expected revision holds, following the real
// server's commit check (IndexWriter.CheckCommit): a write whose event ids are exactly
// the events already at expected+1… is acknowledged without writing again; a partial
// match, or none, behind the stream's head is a wrong expected version.
func (l *eventLog) write(stream string, expected int64, events []proposed) writeResult {
	l.mu.Lock()
	defer l.mu.Unlock()
	existing := l.streams[stream]
	current := int64(len(existing)) - 1
	start := expected
	switch expected {
	case expectAny:
		start = current
		if dup, ok := l.duplicates(existing, events); ok {
			return dup
		}
	case expectStreamExists:
		if current < 0 {
			return writeResult{wrong: true, current: current}
		}
		start = current
		if dup, ok := l.duplicates(existing, events); ok {
			return dup
		}
	default:
		if expected > current {
			return writeResult{wrong: true, current: current}
		}
		if expected < current {
			if dup, ok := l.idempotent(existing, expected, events); ok {
				return dup
			}
			return writeResult{wrong: true, current: current}
		}
	}
	return l.commit(stream, start, events)
}

// idempotent reports whether events are exactly those stored right after expected.
func (l *eventLog) idempotent(existing []*event, expected int64, events []proposed) (writeResult, bool) {
	from := int(expected + 1)
	if len(events) == 0 || from+len(events) > len(existing) {
		return writeResult{}, false
	}
	for i, p := range events {
		if existing[from+i].id != p.id {
			return writeResult{}, false
		}
	}
	last := existing[from+len(events)-1]
	return writeResult{current: int64(len(existing)) - 1, lastRevision: int64(last.revision),
		commit: last.position, prepare: existing[from].position}, true
}

// duplicates handles expected "any": all ids already in the stream is an idempotent
// success; some but not all is a wrong expected version, as on the real server.
func (l *eventLog) duplicates(existing []*event, events []proposed) (writeResult, bool) {
	seen := map[uuid.UUID]*event{}
	for _, e := range existing {
		seen[e.id] = e
	}
	found := 0
	var first, last *event
	for _, p := range events {
		if e, ok := seen[p.id]; ok {
			found++
			if first == nil {
				first = e
			}
			last = e
		}
	}
	current := int64(len(existing)) - 1
	switch {
	case found == 0:
		return writeResult{}, false
	case found < len(events):
		return writeResult{wrong: true, current: current}, true
	default:
		return writeResult{current: current, lastRevision: int64(last.revision), commit: last.position, prepare: first.position}, true
	}
}

// commit writes events after revision start and wakes subscriptions.
func (l *eventLog) commit(stream string, start int64, events []proposed) writeResult {
	res := writeResult{current: start, lastRevision: start, written: true}
	for i, p := range events {
		meta := map[string]string{"created": l.created()}
		for k, v := range p.meta {
			meta[k] = v
		}
		e := &event{id: p.id, stream: stream, revision: uint64(start + 1 + int64(i)), position: l.next,
			meta: meta, custom: p.custom, data: p.data}
		// Like a transaction file, the next record starts after this one's bytes.
		l.next += uint64(64 + len(stream) + len(meta["type"]) + len(p.custom) + len(p.data))
		l.all = append(l.all, e)
		l.streams[stream] = append(l.streams[stream], e)
		if i == 0 {
			res.prepare = e.position
		}
		res.commit, res.lastRevision = e.position, int64(e.revision)
	}
	if len(events) > 0 {
		close(l.changed)
		l.changed = make(chan struct{})
	}
	return res
}

// stream returns a stream's events (nil, false if it does not exist) and the wake channel.
func (l *eventLog) stream(name string) ([]*event, bool) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	evs, ok := l.streams[name]
	return evs[:len(evs):len(evs)], ok
}

// snapshot returns every event in $all order; the slice is never written to again.
func (l *eventLog) snapshot() []*event {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.all[:len(l.all):len(l.all)]
}

// wake returns the channel closed by the next write.
func (l *eventLog) wake() <-chan struct{} {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.changed
}

// end returns the position after the last event (where "End" points on $all).
func (l *eventLog) end() uint64 {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.next
}
