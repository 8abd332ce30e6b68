package policy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/eventlog"
)

// Mail progress is durable and shared through the event store, in the notifications-mail
// stream, every append at the version this notifier last saw (so of several processes
// exactly one wins each append; the others read the stream again and decide anew):
//
//  1. claim: NotificationClaimed{position} before the mails of the event at that position
//     are worded and sent; the process whose claim lands sends them, the others skip;
//  2. send: each mail carries a Message-ID derived from the event, the same on every send;
//  3. record: NotificationSent{position} once they are sent (or given up on after retries).
//
// A claim with no NotificationSent after it is in doubt: its process died (or stopped)
// between claiming and recording. A restarting notifier re-sends such mails, once: it
// first appends a second claim marked resend, so whichever process wins that append
// re-sends, and a re-send that is itself never recorded is not tried a third time. So
// every mail is sent at least once and, after a crash, at most once more.
const (
	NotificationStream      = eventlog.NotificationStreamPrefix + "mail"
	TypeNotificationClaimed = "NotificationClaimed"
	TypeNotificationSent    = "NotificationSent"
	// TypeNotificationLeased fences the stream: a notifier taking the outbox's lease over
	// appends it with its epoch first (notifier_lead.go).
	TypeNotificationLeased = "NotificationLeased"
)

// NotificationLeased records that from here on the notifier leading under Epoch appends
// to the stream; an append of one leading under an earlier epoch is refused (ErrFenced).
type NotificationLeased struct {
	Epoch uint64 `json:"epoch"`
}

// ErrFenced is what a notifier or relay gets when a newer holder of the outbox's lease has
// fenced its stream: it no longer holds the lease and must not act.
var ErrFenced = errors.New("outbox: a newer leaseholder took over")

// NotificationClaimed records that the mails of the event at Position are being sent.
type NotificationClaimed struct {
	Position uint64    `json:"position"`
	EventID  uuid.UUID `json:"event_id"`
	// Tracked: a NotificationSent will record the send. Claims written before sends were
	// recorded lack it, and are never taken for in doubt.
	Tracked bool `json:"tracked,omitempty"`
	// Resend: the one re-send of mails whose first claim was never recorded sent.
	Resend bool `json:"resend,omitempty"`
	// Epoch is the outbox lease's epoch of the claimant (0 without a lease): a claim of
	// an earlier epoch left open is in doubt at once, its holder is gone.
	Epoch uint64 `json:"lease_epoch,omitempty"`
}

// NotificationSent records that the mails of the event at Position went out: Mails were
// worded, Failed of them were given up on after every attempt.
type NotificationSent struct {
	Position uint64    `json:"position"`
	EventID  uuid.UUID `json:"event_id"`
	Mails    int       `json:"mails"`
	Failed   int       `json:"failed,omitempty"`
}

// openClaim is a tracked claim not yet recorded sent.
type openClaim struct {
	at     time.Time
	resend bool
	epoch  uint64
}

type claims struct {
	store   eventlog.EventStore
	clock   application.Clock
	version int64
	hash    string
	last    uint64 // the highest position claimed
	open    map[uint64]openClaim
	// fence is the highest epoch the stream was fenced with, mine the epoch this
	// notifier leads under (0: no lease, no fencing).
	fence, mine uint64
}

// load reads the whole stream.
func (c *claims) load(ctx context.Context) error {
	c.version, c.hash, c.last, c.open, c.fence = eventlog.NoStream, "", 0, map[uint64]openClaim{}, 0
	return c.refresh(ctx)
}

// refresh folds what was appended since the last read.
func (c *claims) refresh(ctx context.Context) error {
	recs, err := c.store.ReadStreamFrom(ctx, NotificationStream, c.version+1)
	if err != nil {
		return fmt.Errorf("notification claims: %w", err)
	}
	for _, r := range recs {
		if err := c.fold(r); err != nil {
			return err
		}
	}
	return nil
}

func (c *claims) fold(r eventlog.Record) error {
	c.version, c.hash = r.Version, r.Hash
	switch r.Type {
	case TypeNotificationClaimed:
		var e NotificationClaimed
		if err := json.Unmarshal(r.Data, &e); err != nil {
			return fmt.Errorf("notification claims: %w", err)
		}
		c.last = max(c.last, e.Position)
		if e.Tracked {
			c.open[e.Position] = openClaim{at: r.Meta.OccurredAt, resend: e.Resend, epoch: e.Epoch}
		}
	case TypeNotificationLeased:
		var e NotificationLeased
		if err := json.Unmarshal(r.Data, &e); err != nil {
			return fmt.Errorf("notification claims: %w", err)
		}
		c.fence = max(c.fence, e.Epoch)
	case TypeNotificationSent:
		var e NotificationSent
		if err := json.Unmarshal(r.Data, &e); err != nil {
			return fmt.Errorf("notification claims: %w", err)
		}
		delete(c.open, e.Position)
	}
	return nil
}

// claim reports whether this notifier won the first claim of the event at position.
func (c *claims) claim(ctx context.Context, position uint64, event uuid.UUID) (bool, error) {
	return c.append(ctx, TypeNotificationClaimed, NotificationClaimed{Position: position, EventID: event, Tracked: true, Epoch: c.mine},
		event, func() bool { return position > c.last })
}

// reclaim reports whether this notifier won the re-send of an in-doubt claim.
func (c *claims) reclaim(ctx context.Context, position uint64, event uuid.UUID) (bool, error) {
	return c.append(ctx, TypeNotificationClaimed, NotificationClaimed{Position: position, EventID: event, Tracked: true, Resend: true, Epoch: c.mine},
		event, func() bool { o, ok := c.open[position]; return ok && !o.resend })
}

// sent records the send of the mails of the event at position.
func (c *claims) sent(ctx context.Context, position uint64, event uuid.UUID, mails, failed int) error {
	_, err := c.append(ctx, TypeNotificationSent, NotificationSent{Position: position, EventID: event, Mails: mails, Failed: failed},
		event, func() bool { return true })
	return err
}

// fenced takes the stream for epoch: it reads it, and appends NotificationLeased{epoch},
// after which every append of an earlier holder fails (its expected version is gone)
// and, read again, tells it it was fenced.
func (c *claims) fenced(ctx context.Context, epoch uint64) error {
	if err := c.load(ctx); err != nil {
		return err
	}
	c.mine = epoch
	_, err := c.append(ctx, TypeNotificationLeased, NotificationLeased{Epoch: epoch}, uuid.Nil, func() bool { return true })
	return err
}

// append appends one record at the version last seen while still holds, reading the
// stream again after each lost race; it reports whether the record was appended. A
// notifier fenced out by a newer leaseholder appends nothing (ErrFenced).
func (c *claims) append(ctx context.Context, typ string, v any, cause uuid.UUID, still func() bool) (bool, error) {
	for range 20 {
		if c.mine > 0 && c.fence > c.mine {
			return false, ErrFenced
		}
		if !still() {
			return false, nil
		}
		data, _ := json.Marshal(v)
		causation := ""
		if cause != uuid.Nil {
			causation = cause.String()
		}
		recs := []eventlog.Record{{ID: uuid.New(), Stream: NotificationStream, Version: c.version + 1, Type: typ,
			Data: data, Meta: eventlog.Metadata{Actor: command.SystemActor, Rule: "notify", CausationID: causation,
				LeaseEpoch: c.mine, OccurredAt: eventlog.Truncate(c.clock.Now())}}}
		if err := eventlog.Seal(c.hash, recs); err != nil {
			return false, err
		}
		out, err := c.store.Append(ctx, NotificationStream, c.version, recs)
		if err == nil {
			return true, c.fold(out[0])
		}
		if !errors.Is(err, eventlog.ErrWrongExpectedVersion) {
			return false, fmt.Errorf("notification claims: %w", err)
		}
		if err := c.refresh(ctx); err != nil {
			return false, err
		}
	}
	return false, fmt.Errorf("notification claims: kept losing races")
}
