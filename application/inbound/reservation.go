package inbound

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/eventlog"
)

// Stored type names of the inbound streams' records. Never change one.
const (
	TypeMessageReserved    = "InboundMessageReserved"
	TypeMessageStored      = "InboundMessageStored"
	TypeConversationOpened = "ConversationTicketOpened"
)

// Reservation is the decision taken for one message, before anything else is appended.
type Reservation struct {
	Source  string    `json:"source"`
	Outcome string    `json:"outcome"`
	Ticket  uuid.UUID `json:"ticket_id,omitzero"` // the ticket replied to or recorded on
	// FollowUpOf is the closed ticket a follow-up continues.
	FollowUpOf uuid.UUID `json:"follow_up_of,omitzero"`
}

// Stored marks the message done: the ticket it is on.
type Stored struct {
	Ticket uuid.UUID `json:"ticket_id"`
	Number string    `json:"number"`
}

// ConversationOpened ties a channel's conversation to the ticket its message opened.
type ConversationOpened struct {
	Ticket uuid.UUID `json:"ticket_id"`
}

// onceKey is the digest of a message's scope and external id: its once key and the id of
// its reservation stream.
func onceKey(scope, id string) string {
	sum := sha256.Sum256([]byte(scope + "\x00" + id))
	return hex.EncodeToString(sum[:])
}

// ReservationStream is the once stream of the message id within scope.
func ReservationStream(scope, id string) string {
	return eventlog.InboundStreamPrefix + onceKey(scope, id)
}

// ConversationStream is the stream of a source's conversation.
func ConversationStream(source, conversation string) string {
	return eventlog.ConversationStreamPrefix + onceKey(source, conversation)
}

// reservation is what a message's once stream says so far.
type reservation struct {
	version  int64 // -1: no stream
	decided  *Reservation
	stored   *Stored
	lastHash string
}

func readReservation(ctx context.Context, store eventlog.EventStore, stream string) (reservation, error) {
	r := reservation{version: -1}
	recs, err := store.ReadStream(ctx, stream)
	if err != nil {
		return r, fmt.Errorf("read %s: %w", stream, err)
	}
	for _, rec := range recs {
		r.version, r.lastHash = rec.Version, rec.Hash
		switch rec.Type {
		case TypeMessageReserved:
			var d Reservation
			if err := json.Unmarshal(rec.Data, &d); err != nil {
				return r, fmt.Errorf("%s v%d does not decode: %w", stream, rec.Version, err)
			}
			r.decided = &d
		case TypeMessageStored:
			var s Stored
			if err := json.Unmarshal(rec.Data, &s); err != nil {
				return r, fmt.Errorf("%s v%d does not decode: %w", stream, rec.Version, err)
			}
			r.stored = &s
		}
	}
	return r, nil
}

// appendRecord appends one record of typ to stream after version (whose hash is prev),
// sealed into the stream's hash chain.
func appendRecord(ctx context.Context, store eventlog.EventStore, stream string, version int64, prev, typ string, data any, meta eventlog.Metadata, now time.Time) error {
	b, err := json.Marshal(data)
	if err != nil {
		return err
	}
	meta.OccurredAt = eventlog.Truncate(now)
	recs := []eventlog.Record{{ID: uuid.New(), Stream: stream, Version: version + 1, Type: typ, Data: b, Meta: meta}}
	if err := eventlog.Seal(prev, recs); err != nil {
		return err
	}
	_, err = store.Append(ctx, stream, version, recs)
	return err
}
