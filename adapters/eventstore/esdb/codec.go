package esdb

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"

	client "github.com/EventStore/EventStore-Client-Go/v4/esdb"

	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// The application's registry of stream kinds (application/eventlog/streams.go) says which streams
// are the engine's: $all also holds system events ($…) and whatever else shares the
// database, and both ReadAll and Subscribe skip those. Every store refuses to append to
// a stream of no registered kind, so nothing the engine writes is skipped.

// serverStream is the EventStoreDB name of an application stream: the same name, after
// the namespace if one is set.
func (s *Store) serverStream(stream string) string { return s.namespace + stream }

// appStream is the application stream of an EventStoreDB stream, if it is one of the
// engine's: it has the namespace and then one of the known prefixes.
func (s *Store) appStream(name string) (string, bool) {
	rest, ok := strings.CutPrefix(name, s.namespace)
	if !ok {
		return "", false
	}
	return rest, isAppStream(rest)
}

// isAppStream reports whether an application stream name is of a registered kind.
func isAppStream(stream string) bool {
	_, ok := eventlog.KindOf(stream)
	return ok
}

// filterPrefixes are the server-side subscription filter: every registered prefix after
// the namespace.
func (s *Store) filterPrefixes() []string {
	out := eventlog.StreamPrefixes()
	for i, p := range out {
		out[i] = s.namespace + p
	}
	return out
}

// envelope is the event's EventStoreDB metadata: everything of the Record that is not
// already the event's id, stream, type or data. The id is kept too, so that a record
// whose event id was changed (by a copy tool, say) is detected.
type envelope struct {
	ID       uuid.UUID         `json:"id"`
	Version  int64             `json:"version"`
	Meta     eventlog.Metadata `json:"metadata"`
	PrevHash string            `json:"prev_hash"`
	Hash     string            `json:"hash"`
}

// toEventData turns a record into what the client appends: the record's id as the event
// id (the application derives it from the idempotency key, so the server's duplicate
// detection holds too), its type, and its data as JSON.
func toEventData(r eventlog.Record) (client.EventData, error) {
	// The metadata travels as JSON and the type as a protobuf string: neither can carry
	// bytes that are not UTF-8 (they would come back as U+FFFD and the chain would no
	// longer verify), so such a record is refused, as the PostgreSQL store does.
	for _, s := range []string{r.Type, r.PrevHash, r.Hash, r.Meta.Actor, r.Meta.CorrelationID, r.Meta.CausationID,
		r.Meta.IdempotencyKey, r.Meta.RequestHash, r.Meta.Rule} {
		if !utf8.ValidString(s) {
			return client.EventData{}, fmt.Errorf("esdb: record %s v%d: type or metadata is not valid UTF-8: %w", r.Stream, r.Version, domain.ErrInvalid)
		}
	}
	meta, err := json.Marshal(envelope{ID: r.ID, Version: r.Version, Meta: r.Meta, PrevHash: r.PrevHash, Hash: r.Hash})
	if err != nil {
		return client.EventData{}, fmt.Errorf("esdb: encode metadata of %s v%d: %w", r.Stream, r.Version, err)
	}
	if r.ID == uuid.Nil {
		return client.EventData{}, fmt.Errorf("esdb: record %s v%d has no id", r.Stream, r.Version)
	}
	return client.EventData{EventID: r.ID, EventType: r.Type, ContentType: client.ContentTypeJson, Data: r.Data, Metadata: meta}, nil
}

// unknownPosition is what a server sends for an event whose commit position it does not
// know (-1 on the server): older servers do so for events read from a single stream.
const unknownPosition = ^uint64(0)

// fromRecorded turns a recorded event of an application stream back into a record. The
// stream version is the server's event number and the position the commit position in
// $all, or 0 when the server did not say.
func fromRecorded(stream string, ev *client.RecordedEvent) (eventlog.Record, error) {
	var env envelope
	if err := json.Unmarshal(ev.UserMetadata, &env); err != nil {
		return eventlog.Record{}, fmt.Errorf("esdb: event %s in %s: metadata is not the engine's: %w", ev.EventID, ev.StreamID, err)
	}
	if env.ID != ev.EventID {
		return eventlog.Record{}, fmt.Errorf("esdb: event %s in %s: metadata names event %s", ev.EventID, ev.StreamID, env.ID)
	}
	position := ev.Position.Commit
	if position == unknownPosition {
		position = 0
	}
	var data json.RawMessage
	if len(ev.Data) > 0 {
		data = json.RawMessage(ev.Data)
	}
	return eventlog.Record{
		ID: ev.EventID, Stream: stream, Version: int64(ev.EventNumber), Position: position,
		Type: ev.EventType, Data: data, Meta: env.Meta, PrevHash: env.PrevHash, Hash: env.Hash,
	}, nil
}
