// Package watermillrelay carries the event store's records to the projections over
// Watermill. The event store is the only source: the relay follows its catch-up
// subscription from a checkpoint and publishes each record as one message (command
// handlers never publish), and the pipeline turns messages back into records for the
// projections.
// In one process the bus is Watermill's GoChannel, in publish-until-acked mode, which
// keeps the store's global order.
package watermillrelay

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/pubsub/gochannel"

	"github.com/ticketengine/ticketengine/application/eventlog"
)

// Topic is where every record is published (also the JetStream stream's name, which
// may not contain dots).
const Topic = "ticketengine_events"

// Message metadata keys.
const (
	MetaType          = "type"
	MetaStream        = "stream"
	MetaVersion       = "version"
	MetaPosition      = "position"
	MetaOccurredAt    = "occurred_at"
	MetaCorrelationID = "correlation_id"
	// MetaPrevPosition is the position of the record before this one in the store's
	// global order (or where the relay started): consumers detect a gap with it.
	MetaPrevPosition = "prev_position"
	// MetaHeadPosition is the highest position the relay had read from the store when it
	// published this message (at least the record's own): when it is past the record,
	// the store holds more, and a consumer behind may read them from the store at once.
	MetaHeadPosition = "head_position"
)

// RelayAhead is how many records the relay reads from the store's subscription ahead of
// what the bus has taken.
const RelayAhead = 1024

// NewGoChannel returns the in-process bus. Publishing waits for the subscriber's ack:
// without that GoChannel hands each message to a goroutine of its own, and order (which
// projections need) would be lost.
func NewGoChannel(logger *slog.Logger) *Bus {
	g := gochannel.NewGoChannel(gochannel.Config{OutputChannelBuffer: 256, BlockPublishUntilSubscriberAck: true}, wmLogger(logger))
	return &Bus{Pub: g, Sub: g, Topic: Topic, Close: g.Close}
}

// wmLogger is Watermill's logger on slog, its chatty info lines turned to debug.
func wmLogger(logger *slog.Logger) watermill.LoggerAdapter {
	return watermill.NewSlogLoggerWithLevelMapping(logger, map[slog.Level]slog.Level{slog.LevelInfo: slog.LevelDebug})
}

// Encode turns a record into a message: the UUID is the event id, the payload the whole
// record as JSON, and the metadata what a consumer filters or traces on.
func Encode(rec eventlog.Record) (*message.Message, error) {
	payload, err := json.Marshal(rec)
	if err != nil {
		return nil, fmt.Errorf("encode record %d: %w", rec.Position, err)
	}
	m := message.NewMessage(rec.ID.String(), payload)
	m.Metadata.Set(MetaType, rec.Type)
	m.Metadata.Set(MetaStream, rec.Stream)
	m.Metadata.Set(MetaVersion, strconv.FormatInt(rec.Version, 10))
	m.Metadata.Set(MetaPosition, strconv.FormatUint(rec.Position, 10))
	m.Metadata.Set(MetaOccurredAt, rec.Meta.OccurredAt.UTC().Format(eventlog.TimeFormat))
	m.Metadata.Set(MetaCorrelationID, rec.Meta.CorrelationID)
	return m, nil
}

// PrevPosition reads MetaPrevPosition (0 when absent).
func PrevPosition(m *message.Message) uint64 {
	p, _ := strconv.ParseUint(m.Metadata.Get(MetaPrevPosition), 10, 64)
	return p
}

// HeadPosition reads MetaHeadPosition (0 when absent).
func HeadPosition(m *message.Message) uint64 {
	p, _ := strconv.ParseUint(m.Metadata.Get(MetaHeadPosition), 10, 64)
	return p
}

// position reads MetaPosition; ok is false when absent or malformed.
func position(m *message.Message) (uint64, bool) {
	p, err := strconv.ParseUint(m.Metadata.Get(MetaPosition), 10, 64)
	return p, err == nil
}

// Decode turns a message back into its record, checking it against its metadata.
func Decode(m *message.Message) (eventlog.Record, error) {
	var rec eventlog.Record
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
	store  eventlog.EventStore
	pub    message.Publisher
	topic  string
	log    *slog.Logger
	onRead func(eventlog.Record)
	// published is the position of the last record the bus took.
	published atomic.Uint64
}

// Published is the position of the last record the bus took from this relay (0 before
// the first).
func (r *Relay) Published() uint64 { return r.published.Load() }

// New returns a relay from store to the bus. onRead, if not nil, sees every record read
// (the read side counts its lag against the highest position).
func New(store eventlog.EventStore, bus *Bus, logger *slog.Logger, onRead func(eventlog.Record)) *Relay {
	if logger == nil {
		logger = slog.Default()
	}
	return &Relay{store: store, pub: bus.Pub, topic: bus.Topic, log: logger, onRead: onRead}
}

// Run publishes every record after `after`, stored ones first and then live ones, until
// ctx ends (it then returns nil). The store's subscription runs up to RelayAhead records
// ahead of the bus, so each message can tell (MetaHeadPosition) how far the store is
// known to go.
func (r *Relay) Run(ctx context.Context, after uint64) error {
	r.log.Info("relay started", "after", after, "topic", r.topic)
	sub, stop := context.WithCancel(ctx)
	defer stop()
	queue := make(chan eventlog.Record, RelayAhead)
	var head atomic.Uint64
	head.Store(after)
	subErr := make(chan error, 1)
	go func() {
		defer close(queue)
		subErr <- r.store.Subscribe(sub, after, func(ctx context.Context, rec eventlog.Record) error {
			if r.onRead != nil {
				r.onRead(rec)
			}
			head.Store(rec.Position)
			select {
			case queue <- rec:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()
	prev := after
	var err error
	for rec := range queue {
		if err = r.publish(ctx, rec, prev, head.Load()); err != nil {
			stop()
			for range queue { // until the subscription has returned
			}
			break
		}
		prev = rec.Position
		r.published.Store(prev)
	}
	if serr := <-subErr; err == nil {
		err = serr
	}
	if ctx.Err() != nil {
		return nil
	}
	return fmt.Errorf("relay: %w", err)
}

func (r *Relay) publish(ctx context.Context, rec eventlog.Record, prev, head uint64) error {
	m, err := Encode(rec)
	if err != nil {
		return err
	}
	m.Metadata.Set(MetaPrevPosition, strconv.FormatUint(prev, 10))
	m.Metadata.Set(MetaHeadPosition, strconv.FormatUint(max(head, rec.Position), 10))
	m.SetContext(ctx)
	return r.pub.Publish(r.topic, m)
}

// consumeOne handles a message until it succeeds (or ctx ends), then acks it. It retries
// in place rather than nacking: JetStream would deliver the following messages before a
// nacked one, and projections need global order.
func consumeOne(ctx context.Context, m *message.Message, logger *slog.Logger, handle func(context.Context, eventlog.Record, *message.Message) error) {
	defer m.Ack()
	rec, err := Decode(m)
	if err != nil {
		logger.Error("a message on the bus is not a record; skipped", "uuid", m.UUID, "err", err)
		return
	}
	for delay := 100 * time.Millisecond; ; delay = min(2*delay, 5*time.Second) {
		err := handle(ctx, rec, m)
		if err == nil || ctx.Err() != nil {
			return
		}
		logger.Error("projection failed on a record; retrying", "position", rec.Position, "stream", rec.Stream, "err", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(delay):
		}
	}
}
