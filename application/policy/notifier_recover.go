package policy

import (
	"context"
	"log/slog"
	"time"
)

// recoverDue re-sends, once, the mails of in-doubt notices (found at Resume) whose claim
// is older than ResendAfter; younger ones may belong to a live process still sending, so
// they wait. Whichever process wins the resend claim sends; a claim recorded sent in the
// meantime is dropped (the append's version check sees it).
func (n *Notifier) recoverDue(ctx context.Context) {
	now := n.o.Clock.Now()
	keep := n.watch[:0]
	for _, x := range n.watch {
		oc, ok := n.claims.open[x.Record.Position]
		if !ok || oc.resend {
			continue
		}
		if now.Before(oc.at.Add(n.o.ResendAfter)) {
			keep = append(keep, x)
			continue
		}
		n.resend(ctx, x, "a claim")
	}
	n.watch = keep
	n.arm(now)
}

// resend claims the one re-send of x's in-doubt claim and, when this process wins it, sends
// x's mails once more; whose names the claim in the log. Losing the claim sends nothing:
// another process re-sends, or the claim was recorded sent in the meantime.
func (n *Notifier) resend(ctx context.Context, x Notice, whose string) {
	won, err := n.claims.reclaim(ctx, x.Record.Position, x.Record.ID)
	if err != nil {
		n.o.Log.Error("in-doubt mails not reclaimed", slog.String("event", x.Record.ID.String()), slog.Any("err", err))
		return
	}
	if won {
		n.resent.Add(1)
		n.o.Log.Info("sending again the mails of "+whose+" never recorded sent", slog.String("event", x.Record.ID.String()))
		n.deliver(ctx, x)
	}
}

// arm sets the timer to the earliest due re-send among the watched notices.
func (n *Notifier) arm(now time.Time) {
	if n.timer == nil || len(n.watch) == 0 {
		return
	}
	var next time.Time
	for _, x := range n.watch {
		if due := n.claims.open[x.Record.Position].at.Add(n.o.ResendAfter); next.IsZero() || due.Before(next) {
			next = due
		}
	}
	n.timer.Stop()
	n.timer.Reset(max(next.Sub(now), time.Millisecond))
}
