// Package watermillrelay carries the event store's records to the projections over
// Watermill. The event store is the only source: the relay follows its catch-up
// subscription from a checkpoint and publishes each record as one message (command
// handlers never publish), and Consume turns messages back into records for a handler.
// In one process the bus is Watermill's GoChannel, in publish-until-acked mode, which
// keeps the store's global order.
package watermillrelay

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/pubsub/gochannel"

	"github.com/ticketengine/ticketengine/application"
)

// Topic is where every record is published.
const Topic = "ticketengine.events"

// Message metadata keys.
const (
	MetaType          = "type"
	MetaStream        = "stream"
	MetaVersion       = "version"
	MetaPosition      = "position"
	MetaOccurredAt    = "occurred_at"
	MetaCorrelationID = "correlation_id"
)

// NewGoChannel returns the in-process bus. Publishing waits for the subscriber's ack:
// without that GoChannel hands each message to a goroutine of its own, and order (which
// projections need) would be lost.
func NewGoChannel(logger *slog.Logger) *gochannel.GoChannel {
	return gochannel.NewGoChannel(gochannel.Config{OutputChannelBuffer: 256, BlockPublishUntilSubscriberAck: true},
		watermill.NewSlogLoggerWithLevelMapping(logger, map[slog.Level]slog.Level{slog.LevelInfo: slog.LevelDebug}))
}

// Encode turns a record into a message: the UUID is the event id, the payload the whole
// record as JSON, and the metadata what a consumer filters or traces on.
func Encode(rec application.Record) (*message.Message, error) {
	payload, err := json.Marshal(rec)
	if err != nil {
		return nil, fmt.Errorf("encode record %d: %w", rec.Position, err)
	}
	m := message.NewMessage(rec.ID.String(), payload)
	m.Metadata.Set(MetaType, rec.Type)
	m.Metadata.Set(MetaStream, rec.Stream)
	m.Metadata.Set(MetaVersion, strconv.FormatInt(rec.Version, 10))
	m.Metadata.Set(MetaPosition, strconv.FormatUint(rec.Position, 10))
	m.Metadata.Set(MetaOccurredAt, rec.Meta.OccurredAt.UTC().Format(application.TimeFormat))
	m.Metadata.Set(MetaCorrelationID, rec.Meta.CorrelationID)
	return m, nil
}

// Decode turns a message back into its record, checking it against its metadata.
func Decode(m *message.Message) (application.Record, error) {
	var rec application.Record
	if err := json.Unmarshal(m.Payload, &rec); err != nil {
		return rec, fmt.Errorf("decode message %s: %w", m.UUID, err)
	}
	if rec.ID.String() != m.UUID || strconv.FormatUint(rec.Position, 10) != m.Metadata.Get(MetaPosition) {
		return rec, fmt.Errorf("message %s does not match its record (position %s)", m.UUID, m.Metadata.Get(MetaPosition))
	}
	return rec, nil
}

// Relay publishes the event store's records into Watermill.
type Relay struct {
	store  application.EventStore
	pub    message.Publisher
	topic  string
	log    *slog.Logger
	onRead func(application.Record)
}

// New returns a relay from store to pub on Topic. onRead, if not nil, sees every record
// read (the read side counts its lag against the highest position).
func New(store application.EventStore, pub message.Publisher, logger *slog.Logger, onRead func(application.Record)) *Relay {
	if logger == nil {
		logger = slog.Default()
	}
	return &Relay{store: store, pub: pub, topic: Topic, log: logger, onRead: onRead}
}

// Run publishes every record after `after`, stored ones first and then live ones, until
// ctx ends (it then returns nil).
func (r *Relay) Run(ctx context.Context, after uint64) error {
	r.log.Info("relay started", "after", after, "topic", r.topic)
	err := r.store.Subscribe(ctx, after, func(ctx context.Context, rec application.Record) error {
		if r.onRead != nil {
			r.onRead(rec)
		}
		m, err := Encode(rec)
		if err != nil {
			return err
		}
		m.SetContext(ctx)
		return r.pub.Publish(r.topic, m)
	})
	if ctx.Err() != nil {
		return nil
	}
	return fmt.Errorf("relay: %w", err)
}

// Consume hands every record arriving on Topic to handle, in order, until ctx ends. A
// record whose handling fails is nacked, so it comes again, after a pause.
func Consume(ctx context.Context, sub message.Subscriber, logger *slog.Logger, handle func(context.Context, application.Record) error) error {
	if logger == nil {
		logger = slog.Default()
	}
	msgs, err := sub.Subscribe(ctx, Topic)
	if err != nil {
		return fmt.Errorf("subscribe %s: %w", Topic, err)
	}
	consumeAll(ctx, msgs, logger, handle)
	return nil
}

func consumeOne(ctx context.Context, m *message.Message, logger *slog.Logger, handle func(context.Context, application.Record) error) {
	rec, err := Decode(m)
	if err == nil {
		err = handle(ctx, rec)
	}
	if err == nil || errors.Is(err, context.Canceled) {
		m.Ack()
		return
	}
	logger.Error("projection failed on a record; it will come again", "uuid", m.UUID, "position", m.Metadata.Get(MetaPosition), "err", err)
	select {
	case <-ctx.Done():
	case <-time.After(time.Second):
	}
	m.Nack()
}
