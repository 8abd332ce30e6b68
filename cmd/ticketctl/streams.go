package main

import (
	"context"
	"fmt"
	"runtime"
	"sort"
	"sync"

	"github.com/ticketengine/ticketengine/application/eventlog"
)

// checkStreams is verify --streams: it reads every verified stream on its own, as the
// commands and GET /tickets/{id} do, and checks that it is the stream the global read
// verified. A store may keep a second path to its events (bbolt's streams index, an
// EventStoreDB stream): if that path were changed, the global read would still verify
// while users saw another history. The records' contents were hashed in the global pass,
// so here it suffices that each stream read alone is a chain of the right names and
// versions ending in the verified head.
func checkStreams(ctx context.Context, store eventlog.EventStore, heads map[string]head, workers int) ([]finding, error) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	names := make([]string, 0, len(heads))
	for s := range heads {
		names = append(names, s)
	}
	sort.Strings(names)
	work := make(chan string)
	var (
		mu       sync.Mutex
		findings []finding
		firstErr error
		wg       sync.WaitGroup
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for stream := range work {
				f, err := checkStream(ctx, store, stream, heads[stream])
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				if f != nil {
					findings = append(findings, *f)
				}
				mu.Unlock()
			}
		}()
	}
	for _, s := range names {
		if ctx.Err() != nil {
			break
		}
		work <- s
	}
	close(work)
	wg.Wait()
	if firstErr == nil {
		firstErr = ctx.Err()
	}
	sort.Slice(findings, func(i, j int) bool { return findings[i].Stream < findings[j].Stream })
	return findings, firstErr
}

// checkStream compares one stream read alone with its verified head.
func checkStream(ctx context.Context, store eventlog.EventStore, stream string, h head) (*finding, error) {
	recs, err := store.ReadStream(ctx, stream)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", stream, err)
	}
	bad := func(r eventlog.Record, problem string) *finding {
		return &finding{Position: r.Position, ChainProblem: eventlog.ChainProblem{
			Stream: stream, Version: r.Version, EventID: r.ID.String(), Problem: "read alone, " + problem,
		}}
	}
	prev := ""
	for i, r := range recs {
		switch {
		case r.Stream != stream:
			return bad(r, fmt.Sprintf("the stream holds an event of %s", r.Stream)), nil
		case r.Version != int64(i):
			return bad(r, fmt.Sprintf("version %d comes where %d should", r.Version, i)), nil
		case r.PrevHash != prev:
			return bad(r, "prev_hash does not match the previous event's hash"), nil
		}
		prev = r.Hash
	}
	n := int64(len(recs)) - 1
	if n != h.Version || prev != h.Hash {
		f := finding{ChainProblem: eventlog.ChainProblem{Stream: stream, Version: n,
			Problem: fmt.Sprintf("read alone, the stream ends at version %d, while the global read ends it at %d (hash %s): the store's per-stream read differs from its global log", n, h.Version, short(h.Hash))}}
		if len(recs) > 0 {
			f.EventID, f.Position = recs[n].ID.String(), recs[n].Position
		}
		return &f, nil
	}
	return nil, nil
}
