package eventlog

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/domain/errs"
)

// Record is one stored event with its envelope: what every event store keeps and every
// subscriber receives. Position is assigned by the store at append (global order, ≥ 1);
// everything else is fixed by the application before the append and covered by Hash.
type Record struct {
	ID       uuid.UUID       `json:"id"`
	Stream   string          `json:"stream"`
	Version  int64           `json:"version"`
	Position uint64          `json:"position"`
	Type     string          `json:"type"`
	Data     json.RawMessage `json:"data"`
	Meta     Metadata        `json:"metadata"`
	PrevHash string          `json:"prev_hash"`
	Hash     string          `json:"hash"`
}

// Metadata says who did what, why and when.
type Metadata struct {
	Actor          string `json:"actor"`
	CorrelationID  string `json:"correlation_id,omitempty"`
	CausationID    string `json:"causation_id,omitempty"`
	IdempotencyKey string `json:"idempotency_key,omitempty"`
	RequestHash    string `json:"request_hash,omitempty"`
	Rule           string `json:"rule,omitempty"`
	// LeaseEpoch is the epoch of the lease a background duty held when it appended this
	// (the SLA monitor, a rule, routing, the outbox; docs/SCALING.md); 0, and left out,
	// for what people and clients do, and on a single node.
	LeaseEpoch uint64    `json:"lease_epoch,omitempty"`
	OccurredAt time.Time `json:"occurred_at"`
}

// Expected versions for Append besides a concrete version (≥ 0).
const (
	// NoStream: the stream must not exist yet.
	NoStream int64 = -1
)

// ErrWrongExpectedVersion is what every event store returns (wrapped) when the stream is
// not at the version the append expected. Its kind is errs.Conflict: the commands turn it
// into ErrConflict or ErrPrecondition before it reaches a client.
var ErrWrongExpectedVersion = errs.E(errs.Conflict, "wrong expected version")

// VersionConflictError is an ErrWrongExpectedVersion with the details; Actual is -1 for a
// missing stream and -2 when the store cannot tell.
type VersionConflictError struct {
	Stream   string
	Expected int64
	Actual   int64
}

func (e *VersionConflictError) Error() string {
	return fmt.Sprintf("stream %s: expected version %d, actual %d", e.Stream, e.Expected, e.Actual)
}

// Is makes errors.Is(err, ErrWrongExpectedVersion) and errors.Is(err, errs.Conflict) true.
func (e *VersionConflictError) Is(target error) bool {
	return target == ErrWrongExpectedVersion || target == errs.Conflict
}

// ErrorKind is errs.Conflict.
func (e *VersionConflictError) ErrorKind() errs.Kind { return errs.Conflict }

// TimeFormat is how times are written everywhere: RFC 3339, UTC, milliseconds.
const TimeFormat = "2006-01-02T15:04:05.000Z07:00"

// Truncate gives the time at the precision the engine keeps (milliseconds, UTC), so that
// every store (PostgreSQL keeps microseconds) returns exactly what was hashed.
func Truncate(t time.Time) time.Time { return t.UTC().Truncate(time.Millisecond) }
