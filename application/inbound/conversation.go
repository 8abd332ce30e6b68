package inbound

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/eventlog"
)

// claimWait bounds how long a message waits for the ticket another message of its
// conversation claimed to appear. Past it the claim is taken as dead (its message failed
// for good before opening the ticket), so a conversation is never stuck behind it.
const claimWait = 5 * time.Second

// conversationHead is the end of a conversation's stream: its version, hash and the
// ticket its last record names (uuid.Nil: none, or no stream).
type conversationHead struct {
	version int64
	hash    string
	ticket  uuid.UUID
}

func (in *Intake) conversationHead(ctx context.Context, stream string) (conversationHead, error) {
	h := conversationHead{version: eventlog.NoStream}
	recs, err := in.store.ReadStream(ctx, stream)
	if err != nil {
		return h, fmt.Errorf("read %s: %w", stream, err)
	}
	if n := len(recs); n > 0 {
		h.version, h.hash = recs[n-1].Version, recs[n-1].Hash
		h.ticket, _ = conversationTicket(recs[n-1])
	}
	return h, nil
}

// decideClaimed is decide for a message of a conversation, made once per conversation:
// a message that would open the conversation's ticket (its first, or a follow-up of its
// closed one) first claims the conversation for that ticket, appending its id (known
// before the ticket exists: command.ReceivedTicketID) after the record it read. Of two
// first messages at one moment, one claim is appended; the other message finds the
// winner's claim, waits for the winner's ticket and decides again: a reply on it.
func (in *Intake) decideClaimed(ctx context.Context, m Message, meta command.CommandMeta) (Reservation, error) {
	if m.Thread.Conversation == "" {
		return in.decide(ctx, m)
	}
	stream := ConversationStream(m.Source, m.Thread.Conversation)
	own := command.ReceivedTicketID(meta.Actor, meta.IdempotencyKey)
	for try := 0; ; try++ {
		head, err := in.settled(ctx, stream, own)
		if err != nil {
			return Reservation{}, err
		}
		d, err := in.decide(ctx, m)
		if err != nil || (d.Outcome != Opened && d.Outcome != FollowUp) || head.ticket == own {
			return d, err
		}
		err = appendRecord(ctx, in.store, stream, head.version, head.hash, TypeConversationOpened,
			ConversationOpened{Ticket: own}, in.recordMeta(meta), in.clock.Now())
		if err == nil {
			return d, nil
		}
		if !errors.Is(err, eventlog.ErrWrongExpectedVersion) || try == 4 {
			return d, fmt.Errorf("claim %s: %w", stream, err)
		}
		// Another message of the conversation claimed it first: its ticket is the one.
	}
}

// settled reads the conversation's head, waiting (at most claimWait) while it names a
// ticket that does not exist yet and is not own: another message claimed the
// conversation and is opening that ticket now.
func (in *Intake) settled(ctx context.Context, stream string, own uuid.UUID) (conversationHead, error) {
	deadline := time.Now().Add(claimWait)
	pause := 5 * time.Millisecond
	for {
		head, err := in.conversationHead(ctx, stream)
		if err != nil || head.ticket == uuid.Nil || head.ticket == own {
			return head, err
		}
		recs, err := in.store.ReadStream(ctx, eventlog.TicketStream(head.ticket))
		if err != nil {
			return head, fmt.Errorf("read ticket %s: %w", head.ticket, err)
		}
		if len(recs) > 0 || time.Now().After(deadline) {
			return head, nil
		}
		select {
		case <-ctx.Done():
			return head, ctx.Err()
		case <-time.After(pause):
		}
		pause = min(pause*2, 200*time.Millisecond)
	}
}
