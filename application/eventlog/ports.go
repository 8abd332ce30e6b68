package eventlog

import (
	"context"
)

// EventStore is the port every event store adapter implements, and the only source of
// truth: commands append here, and everything else learns of events by reading or
// subscribing here. The conformance suite in eventstoretest is its executable contract.
type EventStore interface {
	// Append writes records to one stream atomically, if the stream's current version is
	// expectedVersion (NoStream for a new stream); otherwise it returns an error wrapping
	// ErrWrongExpectedVersion and writes nothing. The records carry their ids, versions
	// (expectedVersion+1, +2, …), metadata and hashes; the store assigns global positions,
	// strictly increasing, and returns the records with them. When Append returns nil,
	// the records are durable.
	Append(ctx context.Context, stream string, expectedVersion int64, records []Record) ([]Record, error)
	// ReadStream returns a stream's records, oldest first; none (and no error) if it does not exist.
	ReadStream(ctx context.Context, stream string) ([]Record, error)
	// ReadStreamFrom returns a stream's records with Version >= from, oldest first: the
	// tail a reader that already holds the records before `from` still needs. None (and
	// no error) if there are none or the stream does not exist; from <= 0 reads it all.
	ReadStreamFrom(ctx context.Context, stream string, from int64) ([]Record, error)
	// ReadAll returns up to limit records with Position > after, in global order.
	ReadAll(ctx context.Context, after uint64, limit int) ([]Record, error)
	// Subscribe calls handle for every record with Position > after, in global order, first
	// those already stored, then live ones as they are appended, never skipping or repeating
	// one. It returns when ctx ends (with ctx's error) or handle fails (with that error).
	Subscribe(ctx context.Context, after uint64, handle func(context.Context, Record) error) error
	// Close releases the store.
	Close() error
}
