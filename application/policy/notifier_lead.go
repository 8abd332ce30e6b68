package policy

import (
	"context"
	"fmt"
	"log/slog"
	"time"
)

// The mail notifier on several nodes (docs/SCALING.md): every node's engine folds the
// store and makes the notices, but only the node holding the outbox's lease sends. The
// others hold the notices (up to Hold) and drop those the leaseholder has recorded sent,
// so that a node taking over has at hand every notice that may still need a mail:
//
//   - it first fences the claims stream with its epoch (NotificationLeased): from then on
//     an append of the former holder fails, so a holder that wakes late (paused, cut off)
//     can neither claim nor record, and sends nothing more (ErrFenced);
//   - a claim of an earlier epoch never recorded sent is in doubt: its holder is gone (its
//     lease ran out), so its mails are sent once more at once, under the same Message-IDs;
//   - the notices after the last claim are claimed and sent as usual.

// trimEvery is how often a standby notifier reads the claims to drop what was sent.
const trimEvery = 5 * time.Second

type leadRequest struct {
	ctx   context.Context
	epoch uint64
	done  chan error
}

// Lead makes a Standby notifier send until ctx ends: the outbox's lease.Duty, with the
// webhook relays. It returns once the notice in hand is finished (Grace), so that the
// lease is released only then.
func (n *Notifier) Lead(ctx context.Context, epoch uint64) error {
	req := leadRequest{ctx: ctx, epoch: epoch, done: make(chan error, 1)}
	select {
	case n.lead <- req:
	case <-ctx.Done():
		return nil
	}
	return <-req.done
}

// standBy holds notices, and sends while Lead runs, until ctx ends.
func (n *Notifier) standBy(ctx context.Context) error {
	trim := time.NewTicker(trimEvery)
	defer trim.Stop()
	var lead chan leadRequest // nil (never ready) until the engine resumed the claims
	resumed := n.resumed
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-resumed:
			lead, resumed = n.lead, nil
		case x := <-n.queue:
			n.hold(x)
		case <-trim.C:
			if lead != nil {
				n.trim(ctx)
			}
		case req := <-lead:
			req.done <- n.leadUntil(ctx, req)
		}
	}
}

func (n *Notifier) hold(x Notice) {
	if len(n.held) >= n.o.Hold {
		n.dropped.Add(1)
		n.o.Log.Warn("notices held for a hand-over: too many; the oldest dropped", slog.String("event", n.held[0].Record.ID.String()))
		n.held = n.held[1:]
	}
	n.held = append(n.held, x)
}

// trim drops the held notices the leaseholder has done with: claimed and not in doubt.
func (n *Notifier) trim(ctx context.Context) {
	if err := n.claims.refresh(ctx); err != nil {
		n.o.Log.Warn("notification claims not read", slog.Any("err", err))
		return
	}
	keep := n.held[:0]
	for _, x := range n.held {
		if _, open := n.claims.open[x.Record.Position]; open || x.Record.Position > n.claims.last {
			keep = append(keep, x)
		}
	}
	clear(n.held[len(keep):])
	n.held = keep
}

// leadUntil sends under epoch until the request's context or ctx ends.
func (n *Notifier) leadUntil(ctx context.Context, req leadRequest) error {
	lctx, cancel := context.WithCancel(req.ctx)
	defer cancel()
	defer context.AfterFunc(ctx, cancel)()
	if err := n.claims.fenced(lctx, req.epoch); err != nil {
		if lctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("outbox: take the claims over: %w", err)
	}
	n.o.Log.Info("mail outbox leading", slog.Uint64("epoch", req.epoch), slog.Int("notices_at_hand", len(n.held)))
	n.redo, n.watch = map[uint64]bool{}, nil
	held := n.held
	n.held = nil
	work, stop := outlive(lctx, n.o.Grace, true)
	n.takeOver(work, held, req.epoch)
	stop()
	if err := n.send(lctx); lctx.Err() == nil {
		return err
	}
	n.o.Log.Info("mail outbox standing by", slog.Uint64("epoch", req.epoch))
	return nil
}

// takeOver sends what the former holder left: the in-doubt claims of earlier epochs
// once more, and the notices after the last claim.
func (n *Notifier) takeOver(ctx context.Context, held []Notice, epoch uint64) {
	atHand := map[uint64]bool{}
	for _, x := range held {
		if ctx.Err() != nil {
			return
		}
		pos := x.Record.Position
		atHand[pos] = true
		if _, open := n.claims.open[pos]; open {
			n.resendInDoubt(ctx, x)
			continue
		}
		if pos > n.claims.last {
			n.handle(ctx, x)
		}
	}
	for pos, oc := range n.claims.open {
		if !atHand[pos] && oc.epoch < epoch && !oc.resend {
			n.o.Log.Info("in-doubt mails to send again when this node's engine makes their notice", slog.Uint64("position", pos))
		}
	}
}

// resendInDoubt sends once more, at once, the mails of x when a former leaseholder
// claimed it (an earlier epoch) and never recorded them sent: that holder is gone (its
// lease ran out). It reports whether x's claim was such (then x is done with, sent or
// not). Called at the take-over for the notices at hand, and for every notice after it:
// a node whose engine is still catching up (it just started) makes the notice of an
// in-doubt claim only after it took the lease, and claiming it as new would find it
// claimed already and skip it, losing the mail.
func (n *Notifier) resendInDoubt(ctx context.Context, x Notice) bool {
	pos := x.Record.Position
	oc, open := n.claims.open[pos]
	if !open || n.claims.mine == 0 || oc.epoch >= n.claims.mine {
		return false
	}
	if oc.resend { // re-sent once already, and that was never recorded either: not a third time
		return true
	}
	n.resend(ctx, x, "a former leaseholder's claim")
	return true
}
