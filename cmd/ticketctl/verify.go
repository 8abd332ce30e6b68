package main

import (
	"context"
	"fmt"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/backup"
)

// Verify reads the store once in global order and checks, for every stream, versions,
// prev_hash and hash (application.ChainVerifier), and across the store that positions
// strictly increase. Hashing is nearly all the cost, so streams are split into shards by
// a hash of their name, one worker per shard: each worker sees its streams' records in
// global order, which is all a chain needs, while the reader goes on reading.

// head is a stream's last verified version and hash.
type head struct {
	Version int64
	Hash    string
}

// finding is one problem, with the position where it was found (0 when it concerns a
// whole stream, such as a stream gone since the heads were kept).
type finding struct {
	Position uint64 `json:"position,omitempty"`
	application.ChainProblem
}

func (f finding) String() string {
	if f.EventID == "" {
		return fmt.Sprintf("%s v%d: %s", f.Stream, f.Version, f.Problem)
	}
	if f.Position == 0 {
		return f.ChainProblem.String()
	}
	return fmt.Sprintf("position %d: %s", f.Position, f.ChainProblem)
}

type verifyOptions struct {
	Ticket  uuid.UUID       // only this ticket's stream; zero for the whole store
	Expect  map[string]head // heads kept earlier (--expect-heads); nil for none
	Workers int             // shards; 0 for one per CPU
}

type verifyReport struct {
	Events   int
	Problems []finding // ordered by position
	Heads    map[string]head
}

// OK reports whether nothing was wrong.
func (r verifyReport) OK() bool { return len(r.Problems) == 0 }

// verifyStore verifies the whole store, or one ticket, and compares with kept heads.
func verifyStore(ctx context.Context, store application.EventStore, opt verifyOptions, prog *progress) (verifyReport, error) {
	if opt.Ticket != uuid.Nil {
		return verifyTicket(ctx, store, opt, prog)
	}
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	shards := make([]*shard, workers)
	inputs := make([]chan []application.Record, workers)
	var wg sync.WaitGroup
	for i := range shards {
		shards[i], inputs[i] = newShard(opt.Expect), make(chan []application.Record, 4)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for page := range inputs[i] {
				shards[i].addAll(page)
				prog.add(len(page))
			}
		}()
	}
	var order orderCheck
	err := backup.ReadAllPages(ctx, store, func(page []application.Record) error {
		split := make([][]application.Record, workers)
		for _, r := range page {
			order.add(r)
			i := shardOf(r.Stream, workers)
			split[i] = append(split[i], r)
		}
		for i, part := range split {
			if len(part) > 0 {
				inputs[i] <- part
			}
		}
		return nil
	})
	for _, in := range inputs {
		close(in)
	}
	wg.Wait()
	if err != nil {
		return verifyReport{}, err
	}
	return mergeShards(shards, order, opt.Expect, nil), nil
}

// verifyTicket verifies one ticket's stream, read on its own.
func verifyTicket(ctx context.Context, store application.EventStore, opt verifyOptions, prog *progress) (verifyReport, error) {
	stream := application.TicketStream(opt.Ticket)
	recs, err := store.ReadStream(ctx, stream)
	if err != nil {
		return verifyReport{}, err
	}
	if len(recs) == 0 {
		return verifyReport{}, fmt.Errorf("ticket %s: %w", opt.Ticket, application.ErrNotFound)
	}
	var order orderCheck
	s := newShard(opt.Expect)
	for _, r := range recs {
		if r.Position != 0 { // 0: the store cannot tell on stream reads (some EventStoreDB servers)
			order.add(r)
		} else {
			order.events++
		}
	}
	s.addAll(recs)
	prog.add(len(recs))
	only := map[string]bool{stream: true}
	return mergeShards([]*shard{s}, order, opt.Expect, only), nil
}

// shardOf picks a stream's shard (FNV-1a, without allocating).
func shardOf(stream string, n int) int {
	h := uint32(2166136261)
	for i := 0; i < len(stream); i++ {
		h = (h ^ uint32(stream[i])) * 16777619
	}
	return int(h % uint32(n))
}

// orderCheck checks that positions strictly increase.
type orderCheck struct {
	events   int
	last     uint64
	problems []finding
}

func (o *orderCheck) add(r application.Record) {
	o.events++
	if r.Position <= o.last {
		o.problems = append(o.problems, finding{Position: r.Position, ChainProblem: application.ChainProblem{
			Stream: r.Stream, Version: r.Version, EventID: r.ID.String(),
			Problem: fmt.Sprintf("position %d follows position %d: the global order is broken", r.Position, o.last),
		}})
	}
	o.last = r.Position
}

// shard verifies the chains of its streams and compares them with the kept heads.
type shard struct {
	chains   *application.ChainVerifier
	expect   map[string]head
	seen     map[string]int64 // highest version read of each kept stream
	problems []finding
}

func newShard(expect map[string]head) *shard {
	return &shard{chains: application.NewChainVerifier(), expect: expect, seen: map[string]int64{}}
}

func (s *shard) addAll(recs []application.Record) {
	for _, r := range recs {
		before := len(s.chains.Problems)
		s.chains.Add(r)
		if len(s.chains.Problems) > before {
			s.problems = append(s.problems, finding{Position: r.Position, ChainProblem: s.chains.Problems[before]})
		}
		if s.expect != nil {
			s.compareKept(r)
		}
	}
}

// compareKept checks a record against the head kept for its stream: the record at the
// kept version must still carry the kept hash, or the stream was rewritten.
func (s *shard) compareKept(r application.Record) {
	kept, ok := s.expect[r.Stream]
	if !ok {
		return
	}
	if v, seen := s.seen[r.Stream]; !seen || r.Version > v {
		s.seen[r.Stream] = r.Version
	}
	if r.Version == kept.Version && r.Hash != kept.Hash {
		s.problems = append(s.problems, finding{Position: r.Position, ChainProblem: application.ChainProblem{
			Stream: r.Stream, Version: r.Version, EventID: r.ID.String(),
			Problem: fmt.Sprintf("hash %s where the kept heads have %s: the stream was rewritten", short(r.Hash), short(kept.Hash)),
		}})
	}
}

// mergeShards gathers the findings in position order, the heads, and the kept streams
// that are gone or shorter than when their heads were kept. only, when set, limits the
// comparison with kept heads to those streams.
func mergeShards(shards []*shard, order orderCheck, expect map[string]head, only map[string]bool) verifyReport {
	rep := verifyReport{Events: order.events, Heads: map[string]head{}}
	rep.Problems = append(rep.Problems, order.problems...)
	seen := map[string]int64{}
	for _, s := range shards {
		rep.Problems = append(rep.Problems, s.problems...)
		for stream, v := range s.seen {
			seen[stream] = v
		}
		for stream, h := range s.chains.Heads() {
			rep.Heads[stream] = parseHead(h)
		}
	}
	var gone []finding
	for stream, kept := range expect {
		if only != nil && !only[stream] {
			continue
		}
		v, ok := seen[stream]
		problem := ""
		switch {
		case !ok:
			problem = fmt.Sprintf("the stream is gone: the kept heads have it at version %d", kept.Version)
		case v < kept.Version:
			problem = fmt.Sprintf("the stream ends at version %d, the kept heads have %d: newer events were removed", v, kept.Version)
		default:
			continue
		}
		gone = append(gone, finding{ChainProblem: application.ChainProblem{Stream: stream, Version: kept.Version, Problem: problem}})
	}
	sort.Slice(gone, func(i, j int) bool { return gone[i].Stream < gone[j].Stream })
	sort.SliceStable(rep.Problems, func(i, j int) bool { return rep.Problems[i].Position < rep.Problems[j].Position })
	rep.Problems = append(rep.Problems, gone...)
	return rep
}

// parseHead reads ChainVerifier.Heads' "version:hash".
func parseHead(s string) head {
	v, h, _ := strings.Cut(s, ":")
	n, _ := strconv.ParseInt(v, 10, 64)
	return head{Version: n, Hash: h}
}

func short(hash string) string {
	if len(hash) > 12 {
		return hash[:12] + "…"
	}
	return hash
}
