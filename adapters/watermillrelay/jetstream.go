package watermillrelay

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	wmnats "github.com/ThreeDotsLabs/watermill-nats/v2/pkg/nats"
	"github.com/nats-io/nats.go"
)

// JetStream settings of the bus across processes.
const (
	// DuplicateWindow is how long JetStream remembers message ids: a record published by
	// several processes' relays within it is stored once (the message id is the event id).
	DuplicateWindow = 2 * time.Minute
	// StreamMaxAge bounds the stream: the event store, not the bus, keeps history.
	StreamMaxAge = 24 * time.Hour
)

// NewJetStream returns a bus over NATS JetStream at url (nats://host:port), on a stream
// named topic (created when missing, with DuplicateWindow and StreamMaxAge).
//
// Every process runs its own relay from its own engine's position and publishes every
// record with the event id as message id, so JetStream keeps one copy; since each relay
// publishes in global order and waits for each ack, the first copies are stored in
// global order. Every process consumes all of them with its own consumer, starting
// DuplicateWindow (plus a minute) before the bus is opened: what another process's
// relay published between this process's catch-up from the event store and its
// subscription is in that span, and the engine skips what it has by position.
func NewJetStream(ctx context.Context, url, topic string, logger *slog.Logger) (*Bus, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	conn, err := nats.Connect(url, nats.Name("ticketengine-relay"), nats.MaxReconnects(-1), nats.Timeout(5*time.Second))
	if err != nil {
		return nil, fmt.Errorf("nats %s: %w", url, err)
	}
	replicas, err := ensureStream(conn, topic)
	if err != nil {
		conn.Close()
		return nil, err
	}
	js := wmnats.JetStreamConfig{
		TrackMsgId: true,
		SubscribeOptions: []nats.SubOpt{
			nats.AckExplicit(), nats.AckWait(time.Hour),
			nats.StartTime(time.Now().Add(-DuplicateWindow - time.Minute)),
			// This process's consumer as replicated as the stream: a consumer with one
			// replica dies with its NATS node, and the subscription then waits forever.
			nats.ConsumerReplicas(replicas),
		},
	}
	pub, err := wmnats.NewPublisherWithNatsConn(conn, wmnats.PublisherPublishConfig{
		Marshaler: &wmnats.NATSMarshaler{}, SubjectCalculator: wmnats.DefaultSubjectCalculator, JetStream: js,
	}, wmLogger(logger))
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("nats publisher: %w", err)
	}
	sub, err := wmnats.NewSubscriberWithNatsConn(conn, wmnats.SubscriberSubscriptionConfig{
		Unmarshaler: &wmnats.NATSMarshaler{}, SubscribersCount: 1, AckWaitTimeout: time.Hour,
		CloseTimeout: 5 * time.Second, SubscribeTimeout: 10 * time.Second, JetStream: js,
	}, wmLogger(logger))
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("nats subscriber: %w", err)
	}
	return &Bus{Pub: pub, Sub: sub, Topic: topic, Last: lastOnStream(conn, topic), Close: func() error {
		err := errors.Join(sub.Close(), pub.Close())
		conn.Close()
		return err
	}}, nil
}

// ensureStream creates the stream when it does not exist, and returns its replicas.
func ensureStream(conn *nats.Conn, topic string) (int, error) {
	js, err := conn.JetStream()
	if err != nil {
		return 0, fmt.Errorf("jetstream: %w", err)
	}
	if info, err := js.StreamInfo(topic); err == nil {
		return max(1, info.Config.Replicas), nil
	} else if !errors.Is(err, nats.ErrStreamNotFound) {
		return 0, fmt.Errorf("jetstream stream %s: %w", topic, err)
	}
	// Three replicas where the servers are a cluster, so the bus outlives any one node
	// (with one, the node holding the stream stops every process's projections while it
	// is down); a single server refuses replicas, and gets one.
	for _, replicas := range []int{3, 1} {
		_, err = js.AddStream(&nats.StreamConfig{Name: topic, Subjects: []string{topic}, MaxAge: StreamMaxAge,
			Duplicates: DuplicateWindow, Storage: nats.FileStorage, Replicas: replicas})
		if err == nil {
			return replicas, nil
		}
		if errors.Is(err, nats.ErrStreamNameAlreadyInUse) { // another process made it meanwhile
			return ensureStream(conn, topic)
		}
	}
	return 0, fmt.Errorf("jetstream: create stream %s: %w", topic, err)
}

// Open returns the bus --pubsub names: "" for GoChannel in this process, nats://… for
// JetStream across processes.
func Open(ctx context.Context, spec string, logger *slog.Logger) (*Bus, error) {
	switch {
	case spec == "":
		return NewGoChannel(logger), nil
	case len(spec) > 7 && spec[:7] == "nats://":
		return NewJetStream(ctx, spec, Topic, logger)
	}
	return nil, fmt.Errorf("--pubsub: %q is neither empty nor nats://…", spec)
}
