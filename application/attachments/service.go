package attachments

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/erasure"
	"github.com/ticketengine/ticketengine/application/eventlog"
)

// DefaultMaxSize is the size limit unless configured (--attachment-max-mib): 25 MiB.
const DefaultMaxSize = 25 << 20

// DefaultRetention is how long an anonymous portal upload waits to be claimed.
const DefaultRetention = 24 * time.Hour

// Config is what New builds the service on. Store, Blobs and Clock are required.
type Config struct {
	Store eventlog.EventStore
	Blobs Blobs
	Clock application.Clock
	// MaxSize bounds a file, in bytes; 0 is DefaultMaxSize.
	MaxSize int64
	// Types is the allow-list of sniffed media types; nil is DefaultTypes.
	Types []string
	// Retention is how long an anonymous upload may stay unclaimed; 0 is DefaultRetention.
	Retention time.Duration
	// Keys seal the filenames of customers' uploads (sealName); nil keeps them plain. Store
	// must then open what it reads (erasure.OpeningStore).
	Keys erasure.KeyStore
}

// Service uploads, claims, serves and sweeps attachments.
type Service struct {
	store     eventlog.EventStore
	blobs     Blobs
	clock     application.Clock
	maxSize   int64
	types     []string
	retention time.Duration
	keys      erasure.KeyStore
}

// New returns the service; it refuses a missing port or a malformed allow-list.
func New(c Config) (*Service, error) {
	if c.Store == nil || c.Blobs == nil || c.Clock == nil {
		return nil, fmt.Errorf("%w: attachments need a store, blobs and a clock", application.ErrConfig)
	}
	if c.MaxSize <= 0 {
		c.MaxSize = DefaultMaxSize
	}
	if c.Types == nil {
		c.Types = DefaultTypes
	}
	if err := CheckTypes(c.Types); err != nil {
		return nil, fmt.Errorf("%w: %v", application.ErrConfig, err)
	}
	if c.Retention <= 0 {
		c.Retention = DefaultRetention
	}
	return &Service{store: c.Store, blobs: c.Blobs, clock: c.Clock, maxSize: c.MaxSize, types: c.Types, retention: c.Retention, keys: c.Keys}, nil
}

// MaxSize is the size limit of one file, in bytes.
func (s *Service) MaxSize() int64 { return s.maxSize }

// Stream is the stream of one attachment.
func Stream(id string) string { return eventlog.AttachmentStreamPrefix + id }

// read folds an attachment's stream; a malformed id is an unknown attachment.
func (s *Service) read(ctx context.Context, id string) (State, error) {
	if !eventlog.UUIDID.Valid(id) {
		return State{Version: -1}, nil
	}
	recs, err := s.store.ReadStream(ctx, Stream(id))
	if err != nil {
		return State{}, fmt.Errorf("read attachment %s: %w", id, err)
	}
	return Fold(recs)
}

// Get is the upload with the id, if it exists and was not deleted (else ErrNotFound).
func (s *Service) Get(ctx context.Context, id string) (State, error) {
	st, err := s.read(ctx, id)
	if err != nil {
		return State{}, err
	}
	if !st.Exists() {
		return State{}, fmt.Errorf("%w: attachment %q", application.ErrNotFound, id)
	}
	return st, nil
}

// appendEvent appends one event to an attachment's stream at the version it was read.
func (s *Service) appendEvent(ctx context.Context, st State, id, typ string, event any, meta eventlog.Metadata) (State, error) {
	data, err := json.Marshal(event)
	if err != nil {
		return State{}, err
	}
	meta.OccurredAt = eventlog.Truncate(s.clock.Now())
	stream := Stream(id)
	recs := []eventlog.Record{{ID: uuid.New(), Stream: stream, Version: st.Version + 1, Type: typ, Data: data, Meta: meta}}
	if err := eventlog.Seal(st.Hash, recs); err != nil {
		return State{}, err
	}
	out, err := s.store.Append(ctx, stream, st.Version, recs)
	if err != nil {
		return State{}, err
	}
	if err := st.apply(out[0]); err != nil {
		return State{}, err
	}
	return st, nil
}
