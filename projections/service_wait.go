// Waiting for the read side: a read with ?min_version waits for its row's version, and a
// list read settles to what the event store held when it came.

package projections

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/eventlog"
)

// WaitFor waits, up to MaxWait, until projection name has applied version of the
// ticket or agent id. Not reaching it in time is not an error: the read answers what it
// has (its version tells the client), as a read of an eventually consistent model does.
// When the engine projecting name runs in this process, it finds that version's position
// in the event store and waits for the engine to commit it, woken by its commits, with
// no query meanwhile (many waiting reads must not crowd out the engine's own use of the
// store); otherwise it polls the row's version.
func (s *Service) WaitFor(ctx context.Context, name string, id uuid.UUID, version int64) error {
	if version < 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, MaxWait)
	defer cancel()
	have, err := s.Store.RowVersion(ctx, name, id)
	if err != nil || have >= version {
		return quiet(ctx, err)
	}
	if pos, ok, err := s.positionOf(ctx, name, id, version); err != nil || ok {
		if err != nil {
			return quiet(ctx, err)
		}
		return s.waitCommitted(ctx, name, pos)
	}
	for {
		var changed <-chan struct{}
		if s.Engine != nil {
			changed = s.Engine.Changed()
		}
		have, err := s.Store.RowVersion(ctx, name, id)
		if err != nil || have >= version {
			return quiet(ctx, err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-changed:
		case <-time.After(25 * time.Millisecond):
		}
	}
}

// quiet drops an error that only says the wait's time ran out.
func quiet(ctx context.Context, err error) error {
	if ctx.Err() != nil && err != nil {
		return nil
	}
	return err
}

// positionOf finds the global position of version of id's stream, when this process's
// engine projects name (ok false otherwise, or when the stream has no such version yet).
func (s *Service) positionOf(ctx context.Context, name string, id uuid.UUID, version int64) (uint64, bool, error) {
	if _, ok := s.localCommitted(name); !ok {
		return 0, false, nil
	}
	def, ok := Lookup(name)
	if !ok {
		return 0, false, nil
	}
	stream := eventlog.TicketStream(id)
	switch def.Reads() {
	case AgentStreams:
		stream = eventlog.AgentStream(id)
	case ArticleStreams:
		stream = eventlog.ArticleStream(id)
	case HelpVisitorStreams:
		stream = eventlog.HelpVisitorStream(id)
	case ArticleFeedbackStreams:
		stream = eventlog.ArticleFeedbackStream(id)
	case TicketStreams:
	default: // token rows are keyed by the token's id, not their stream's name
		return 0, false, nil
	}
	recs, err := s.Events.ReadStream(ctx, stream)
	if err != nil {
		return 0, false, err
	}
	for _, r := range recs {
		if r.Version == version {
			return r.Position, true, nil
		}
	}
	return 0, false, nil
}

// localCommitted is what this process's engine has committed of projection name; ok is
// false when no engine here projects it.
func (s *Service) localCommitted(name string) (uint64, bool) {
	if s.Engine == nil {
		return 0, false
	}
	return s.Engine.committedOf(name)
}

// checkpoint is projection name's committed position: this process's engine's, when it
// projects name (never ahead of the store's: no query needed), else the store's.
func (s *Service) checkpoint(ctx context.Context, name string) (uint64, error) {
	if pos, ok := s.localCommitted(name); ok {
		return pos, nil
	}
	return s.Store.Checkpoint(ctx, name)
}

// waitCommitted waits until projection name has committed position target, or ctx ends
// (not an error). With the engine in this process it waits for its commits; otherwise it
// polls the store's checkpoint.
func (s *Service) waitCommitted(ctx context.Context, name string, target uint64) error {
	for {
		var changed <-chan struct{}
		poll := 25 * time.Millisecond
		if s.Engine != nil {
			changed = s.Engine.Changed()
		}
		if _, ok := s.localCommitted(name); ok {
			poll = MaxWait // woken by the commits; the timer only bounds a missed wake-up
		}
		if pos, err := s.checkpoint(ctx, name); err != nil || pos >= target {
			return quiet(ctx, err)
		}
		t := time.NewTimer(poll)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-changed:
		case <-t.C:
		}
		t.Stop()
	}
}

// settleBatch is how many unapplied records a list read looks at to know what to wait for.
const settleBatch = 100

// settle lets a list read (which has no one ticket to wait for) see the writes that were
// stored when it came: if projection name is behind the event store, it waits, up to
// MaxWait, until it has applied the newest record the relay has read (ObserveHead) and
// the next settleBatch records after it. Caught up, it costs one small read of the
// event store.
func (s *Service) settle(ctx context.Context, name string) error {
	pos, err := s.checkpoint(ctx, name)
	if err != nil {
		return err
	}
	target, err := s.settleTarget(ctx, pos)
	if err != nil || target <= pos {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, MaxWait)
	defer cancel()
	return s.waitCommitted(ctx, name, target)
}

// settleTarget is the position a read settles to from pos: the newest record the relay
// has read and up to settleBatch after it.
func (s *Service) settleTarget(ctx context.Context, pos uint64) (uint64, error) {
	target := max(pos, s.head.Load())
	recs, err := s.Events.ReadAll(ctx, target, settleBatch)
	if err != nil {
		return 0, err
	}
	if len(recs) > 0 {
		target = recs[len(recs)-1].Position
	}
	return target, nil
}
