package watermillrelay

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	wmnats "github.com/ThreeDotsLabs/watermill-nats/v2/pkg/nats"
	"github.com/nats-io/nats.go"

	"github.com/ticketengine/ticketengine/application/eventlog"
)

// RunRelay is the relay alone, into a bus every node shares (JetStream), run by one node
// at a time under a lease (docs/SCALING.md): it publishes from where the bus stands (its
// last message's position, Bus.Last), else from `from` (what this node's consumers have
// applied), until ctx ends. A failed subscription starts again from the last record
// published.
func RunRelay(ctx context.Context, events eventlog.EventStore, bus *Bus, logger *slog.Logger, from uint64) error {
	published, _ := sealedSource(events)
	if logger == nil {
		logger = slog.Default()
	}
	if bus.Last != nil {
		last, id, ok, err := bus.Last(ctx)
		if err != nil {
			return fmt.Errorf("relay: where the bus stands: %w", err)
		}
		if ok && ofThisStore(ctx, published, last, id) {
			from = last
		}
	}
	relay := New(published, bus, logger, nil)
	for ctx.Err() == nil {
		if err := relay.Run(ctx, max(from, relay.Published())); err != nil {
			logger.Error("relay stopped; restarting", "err", err)
			select {
			case <-ctx.Done():
			case <-time.After(RetryDelay):
			}
		}
	}
	return nil
}

// ofThisStore reports whether the record at position in the store has the id: the bus's
// last message came from this event store, not from one replaced since (a restore, a
// test's fresh schema), whose positions mean nothing here.
func ofThisStore(ctx context.Context, store eventlog.EventStore, position uint64, id string) bool {
	if position == 0 {
		return false
	}
	recs, err := store.ReadAll(ctx, position-1, 1)
	return err == nil && len(recs) == 1 && recs[0].Position == position && recs[0].ID.String() == id
}

// lastOnStream reads the position of the last message of the JetStream stream topic;
// ok is false when the stream holds none.
func lastOnStream(conn *nats.Conn, topic string) func(context.Context) (uint64, string, bool, error) {
	return func(ctx context.Context) (uint64, string, bool, error) {
		js, err := conn.JetStream(nats.Context(ctx))
		if err != nil {
			return 0, "", false, err
		}
		m, err := js.GetLastMsg(topic, topic, nats.Context(ctx))
		if errors.Is(err, nats.ErrMsgNotFound) {
			return 0, "", false, nil
		}
		if err != nil {
			return 0, "", false, err
		}
		p, err := strconv.ParseUint(m.Header.Get(MetaPosition), 10, 64)
		if err != nil {
			return 0, "", false, nil // not one of ours: publish from this node's position
		}
		return p, m.Header.Get(wmnats.WatermillUUIDHdr), true, nil
	}
}
