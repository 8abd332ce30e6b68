package backup

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/eventlog"
)

// exportLine is one event as export writes it and import reads it. The fields, and
// metadata's, are declared in alphabetical order, so encoding/json writes the keys sorted;
// with data canonicalised (eventlog.CanonicalJSON), times in UTC milliseconds and no
// HTML escaping, every line is canonical JSON: the same history gives the same bytes from
// every store. It is the hash chain's payload plus the hash.
//
// The store's position is left out on purpose: each store numbers its events its own way
// (bbolt and PostgreSQL 1, 2, 3…, EventStoreDB by commit position in its log), and an
// import assigns fresh ones. The order of the lines is the global order.
//
// JSON cannot carry every byte a store may hold: a string that is not UTF-8 is written
// as U+FFFD, and data whose canonical form loses a value (raw.go) would come back
// changed. Such a line also carries the exact bytes of those fields in "base64"; import
// takes them from there. Lines without it are as they always were.
type exportLine struct {
	Base64   *rawFields      `json:"base64,omitempty"`
	Data     json.RawMessage `json:"data"`
	Hash     string          `json:"hash"`
	ID       uuid.UUID       `json:"id"`
	Metadata exportMeta      `json:"metadata"`
	PrevHash string          `json:"prev_hash"`
	Stream   string          `json:"stream"`
	Type     string          `json:"type"`
	Version  int64           `json:"version"`
}

type exportMeta struct {
	Actor          string `json:"actor"`
	CausationID    string `json:"causation_id,omitempty"`
	CorrelationID  string `json:"correlation_id,omitempty"`
	IdempotencyKey string `json:"idempotency_key,omitempty"`
	LeaseEpoch     uint64 `json:"lease_epoch,omitempty"`
	OccurredAt     string `json:"occurred_at"`
	RequestHash    string `json:"request_hash,omitempty"`
	Rule           string `json:"rule,omitempty"`
}

// encodeLine appends r's canonical line, with its newline, to buf.
func encodeLine(buf *bytes.Buffer, r eventlog.Record) error {
	data, lossless, err := eventlog.CanonicalJSONLossless(r.Data)
	if err != nil {
		return fmt.Errorf("%s v%d: data: %w", r.Stream, r.Version, err)
	}
	m := r.Meta
	line := exportLine{
		Base64: rawOf(r, !lossless),
		Data:   data, Hash: r.Hash, ID: r.ID, PrevHash: r.PrevHash, Stream: r.Stream, Type: r.Type, Version: r.Version,
		Metadata: exportMeta{
			Actor: m.Actor, CausationID: m.CausationID, CorrelationID: m.CorrelationID,
			IdempotencyKey: m.IdempotencyKey, RequestHash: m.RequestHash, Rule: m.Rule, LeaseEpoch: m.LeaseEpoch,
			OccurredAt: eventlog.Truncate(m.OccurredAt).Format(eventlog.TimeFormat),
		},
	}
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	return enc.Encode(line) // Encode ends the line with '\n'
}

// decodeLine reads one line back into a record (without position). Unknown fields are
// refused: a file that says more than the format does was not written by export.
func decodeLine(raw []byte) (eventlog.Record, error) {
	var l exportLine
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&l); err != nil {
		return eventlog.Record{}, err
	}
	if dec.More() {
		return eventlog.Record{}, fmt.Errorf("more than one JSON value on the line")
	}
	at, err := time.Parse(time.RFC3339Nano, l.Metadata.OccurredAt)
	if err != nil {
		return eventlog.Record{}, fmt.Errorf("metadata.occurred_at: %w", err)
	}
	data, err := eventlog.CanonicalJSON(l.Data)
	if err != nil {
		return eventlog.Record{}, fmt.Errorf("data: %w", err)
	}
	m := l.Metadata
	r := eventlog.Record{
		ID: l.ID, Stream: l.Stream, Version: l.Version, Type: l.Type, Data: data,
		PrevHash: l.PrevHash, Hash: l.Hash,
		Meta: eventlog.Metadata{
			Actor: m.Actor, CorrelationID: m.CorrelationID, CausationID: m.CausationID,
			IdempotencyKey: m.IdempotencyKey, RequestHash: m.RequestHash, Rule: m.Rule, LeaseEpoch: m.LeaseEpoch,
			OccurredAt: eventlog.Truncate(at),
		},
	}
	if l.Base64 != nil {
		if err := l.Base64.restore(&r); err != nil {
			return eventlog.Record{}, fmt.Errorf("base64: %w", err)
		}
	}
	return r, nil
}
