package policy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/eventlog"
)

// Mail progress is durable and shared through the event store: before the mails of a
// notice are sent, a NotificationClaimed event naming the notice's position is appended
// to the notifications-mail stream at the version this notifier last saw. So a restart
// resumes after the last claimed position (nothing is mailed twice, nothing in between is
// forgotten), and of several processes sharing a store exactly one claims each notice:
// the others' appends fail, they read the stream again and skip what is claimed. A crash
// between the claim and the send loses that one mail: at most once, by design, since a
// customer mailed twice is worse than a rare missing notification.
const (
	NotificationStream      = eventlog.NotificationStreamPrefix + "mail"
	TypeNotificationClaimed = "NotificationClaimed"
)

// NotificationClaimed records that the notice at Position is being mailed.
type NotificationClaimed struct {
	Position uint64    `json:"position"`
	EventID  uuid.UUID `json:"event_id"`
}

type claims struct {
	store   eventlog.EventStore
	clock   application.Clock
	version int64
	hash    string
	last    uint64
}

// load reads the stream's last claim.
func (c *claims) load(ctx context.Context) error {
	recs, err := c.store.ReadStream(ctx, NotificationStream)
	if err != nil {
		return fmt.Errorf("notification claims: %w", err)
	}
	c.version, c.hash, c.last = eventlog.NoStream, "", 0
	if n := len(recs); n > 0 {
		var e NotificationClaimed
		if err := json.Unmarshal(recs[n-1].Data, &e); err != nil {
			return fmt.Errorf("notification claims: %w", err)
		}
		c.version, c.hash, c.last = recs[n-1].Version, recs[n-1].Hash, e.Position
	}
	return nil
}

// claim reports whether this notifier won the notice at position (false: another has it).
func (c *claims) claim(ctx context.Context, position uint64, event uuid.UUID) (bool, error) {
	for range 5 {
		if position <= c.last {
			return false, nil
		}
		data, _ := json.Marshal(NotificationClaimed{Position: position, EventID: event})
		recs := []eventlog.Record{{ID: uuid.New(), Stream: NotificationStream, Version: c.version + 1, Type: TypeNotificationClaimed,
			Data: data, Meta: eventlog.Metadata{Actor: command.SystemActor, Rule: "notify", CausationID: event.String(),
				OccurredAt: eventlog.Truncate(c.clock.Now())}}}
		if err := eventlog.Seal(c.hash, recs); err != nil {
			return false, err
		}
		out, err := c.store.Append(ctx, NotificationStream, c.version, recs)
		if err == nil {
			c.version, c.hash, c.last = out[0].Version, out[0].Hash, position
			return true, nil
		}
		if !errors.Is(err, eventlog.ErrWrongExpectedVersion) {
			return false, fmt.Errorf("notification claims: %w", err)
		}
		if err := c.load(ctx); err != nil {
			return false, err
		}
	}
	return false, fmt.Errorf("notification claims: kept losing races")
}
