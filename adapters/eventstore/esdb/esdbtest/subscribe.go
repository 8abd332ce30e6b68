package esdbtest

import (
	"sort"

	"github.com/google/uuid"

	api "github.com/EventStore/EventStore-Client-Go/v4/protos/streams"
)

// subscription is one open catch-up subscription; drop ends it with an error.
type subscription struct {
	drop chan error
}

// source abstracts what a subscription follows. Each event has a key, strictly
// increasing in the source's order: its $all position, or its stream revision + 1 (so
// that key 0 means "before the first event" for both).
type source struct {
	events func() []*event
	key    func(*event) uint64
}

func (s *Server) source(q query) source {
	if q.all {
		return source{events: s.log.snapshot, key: func(e *event) uint64 { return e.position }}
	}
	return source{
		events: func() []*event { evs, _ := s.log.stream(q.stream); return evs },
		key:    func(e *event) uint64 { return e.revision + 1 },
	}
}

// after returns the source's events with a key above cursor.
func (src source) after(cursor uint64) []*event {
	evs := src.events()
	i := sort.Search(len(evs), func(i int) bool { return src.key(evs[i]) > cursor })
	return evs[i:]
}

// startCursor turns the request's start into a cursor: Start is before everything, End
// is the current head (live events only), and a position or revision is exclusive, as on
// the real server. With SetRewind(n), the cursor moves back n events.
func (s *Server) startCursor(q query, src source) uint64 {
	var cursor uint64
	switch {
	case q.fromStart:
		return 0
	case q.fromEnd:
		if evs := src.events(); len(evs) > 0 {
			cursor = src.key(evs[len(evs)-1])
		}
		return cursor
	case q.all:
		cursor = q.from
	default:
		cursor = q.from + 1
	}
	s.mu.Lock()
	rewind := s.rewind
	s.mu.Unlock()
	if rewind > 0 {
		evs := src.events()
		i := sort.Search(len(evs), func(i int) bool { return src.key(evs[i]) > cursor }) - rewind
		if i < 0 {
			return 0
		}
		cursor = src.key(evs[i]) - 1
	}
	return cursor
}

// subscribe serves a catch-up subscription: the confirmation first, then the stored
// events after the start, a checkpoint (filtered $all only) and CaughtUp, then live
// events as they are written. Filtered subscriptions also send a checkpoint after every
// `interval` considered events, so that a client can resume past filtered-out ones.
func (s *Server) subscribe(q query, srv api.Streams_ReadServer) error {
	sub := &subscription{drop: make(chan error, 1)}
	s.mu.Lock()
	s.subs[sub] = struct{}{}
	s.stats.Subscriptions++
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.subs, sub)
		s.mu.Unlock()
	}()
	// The start is fixed before the confirmation, as the real server subscribes to live
	// events first: an event written after the client saw the confirmation is delivered
	// even by a subscription from End.
	src := s.source(q)
	cursor := s.startCursor(q, src)
	confirm := &api.ReadResp{Content: &api.ReadResp_Confirmation{Confirmation: &api.ReadResp_SubscriptionConfirmation{
		SubscriptionId: uuid.NewString(),
	}}}
	if err := srv.Send(confirm); err != nil {
		return err
	}
	var lastConsidered uint64 // $all position of the last event looked at
	considered, caughtUp := 0, false
	var lastCheckpoint uint64
	// checkpoint sends a checkpoint unless one at or past it was sent already (the real
	// server skips those too, e.g. when the interval ends right where catch-up does).
	checkpoint := func(pos uint64) error {
		if pos <= lastCheckpoint {
			return nil
		}
		lastCheckpoint = pos
		return srv.Send(checkpointResponse(pos))
	}
	for {
		wake := s.log.wake()
		pending := src.after(cursor)
		if len(pending) == 0 {
			if !caughtUp {
				if q.filter != nil && lastConsidered > 0 {
					if err := checkpoint(lastConsidered); err != nil {
						return err
					}
				}
				if err := srv.Send(&api.ReadResp{Content: &api.ReadResp_CaughtUp_{CaughtUp: &api.ReadResp_CaughtUp{}}}); err != nil {
					return err
				}
				caughtUp = true
			}
			select {
			case <-wake:
				continue
			case err := <-sub.drop:
				return err
			case <-srv.Context().Done():
				return srv.Context().Err()
			}
		}
		for _, e := range pending {
			select {
			case err := <-sub.drop:
				return err
			default:
			}
			cursor, lastConsidered = src.key(e), e.position
			considered++
			if q.filter.allows(e) {
				if err := srv.Send(eventResponse(e, q.stringIDs, true)); err != nil {
					return err
				}
			}
			if q.filter != nil && considered%q.filter.interval == 0 {
				if err := checkpoint(e.position); err != nil {
					return err
				}
			}
		}
	}
}
