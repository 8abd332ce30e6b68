package command

import (
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/eventlog"
)

// CommandMeta is what every command carries besides its fields: who sent it, how it
// relates to other messages, and the caller's concurrency and idempotency wishes.
type CommandMeta struct {
	Actor          string // "admin", "agent:<id>", "supervisor:<subject>", "customer", "system"
	CorrelationID  string
	CausationID    string
	IdempotencyKey string
	RequestHash    string // SHA-256 of the request, to tell a repeat from a reuse of the key
	Rule           string // the configured rule that issued the command, for system actions
	// LeaseEpoch is the epoch of the lease under which a background duty issued the
	// command (the policies' on several nodes); it travels into the events' metadata.
	LeaseEpoch uint64
	// ExpectedVersion, when set (If-Match), makes the command apply only at that version.
	ExpectedVersion *int64
}

// idempotencyNamespace seeds the UUIDv5 ids derived from idempotency keys.
var idempotencyNamespace = uuid.MustParse("6f1c7c1e-3c1a-4f0e-9a57-1f3f0c5b2a10")

// derivedID is a UUIDv5 over the parts: the same key always gives the same id, so a
// retried command appends events with the same ids and EventStoreDB's own duplicate
// detection also holds.
func derivedID(parts ...string) uuid.UUID {
	name := ""
	for _, p := range parts {
		name += p + "\x00"
	}
	return uuid.NewSHA1(idempotencyNamespace, []byte(name))
}

// newRecords wraps events for appending to stream after version `after` (whose hash is
// prevHash), with ids derived from the idempotency key when there is one, and seals them.
func newRecords(stream string, after int64, prevHash string, types []string, data [][]byte, meta CommandMeta, now time.Time) ([]eventlog.Record, error) {
	recs := make([]eventlog.Record, len(types))
	for i := range types {
		version := after + 1 + int64(i)
		id := uuid.New()
		if meta.IdempotencyKey != "" {
			id = derivedID(stream, meta.Actor, meta.IdempotencyKey, types[i], strconv.Itoa(i))
		}
		recs[i] = eventlog.Record{
			ID: id, Stream: stream, Version: version, Type: types[i], Data: data[i],
			Meta: eventlog.Metadata{
				Actor: meta.Actor, CorrelationID: meta.CorrelationID, CausationID: meta.CausationID,
				IdempotencyKey: meta.IdempotencyKey, RequestHash: meta.RequestHash, Rule: meta.Rule,
				LeaseEpoch: meta.LeaseEpoch, OccurredAt: eventlog.Truncate(now),
			},
		}
	}
	return recs, eventlog.Seal(prevHash, recs)
}
