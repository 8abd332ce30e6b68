package watermillrelay

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/projections"
)

// Bus is a Watermill publisher and subscriber and the topic records travel on: GoChannel
// in one process (NewGoChannel), NATS JetStream across processes (NewJetStream).
type Bus struct {
	Pub   message.Publisher
	Sub   message.Subscriber
	Topic string
	Close func() error
	// Last, when the bus keeps what was published (JetStream), is the position and event
	// id of the last record on it (ok false when none): where a relay taking over resumes.
	Last func(ctx context.Context) (position uint64, eventID string, ok bool, err error)
}

// FlushInterval bounds how long an applied record waits to be committed when no more
// come: the staleness of a quiet read model.
const FlushInterval = 20 * time.Millisecond

// RetryDelay is how long the relay waits before subscribing again after a failure.
const RetryDelay = time.Second

// FollowAhead is how many records, at most, the consumer applies at once: when a message
// says the store holds more after its record (MetaHeadPosition past it; the consumer is
// behind the relay), it reads up to this many from the event store and applies them with
// the message's record in one step (projections.Engine.FollowBatch: one row load per
// projection for all of them). The messages of the records read that way arrive later
// and are acknowledged as duplicates without decoding.
const FollowAhead = 512

// Run is the read side's live path until ctx ends: it subscribes the engine to the bus
// first (GoChannel drops what nobody listens to yet), then relays the event store from
// the engine's position, committing every FlushInterval (a failed commit is logged and
// retried). When ctx ends it commits what was applied, so a shutdown stops at a
// checkpoint, and returns nil; it returns an error only when that last commit fails. A
// failed relay subscription is logged and started again after RetryDelay.
func Run(ctx context.Context, events eventlog.EventStore, bus *Bus, engine *projections.Engine, svc *projections.Service, logger *slog.Logger) error {
	return RunAll(ctx, events, bus, svc, logger, engine)
}

// Consumer is what the live path feeds: the read-model engine (*projections.Engine) and
// the search projection (*projections.SearchIndexer) both are.
type Consumer interface {
	// Position is what it has applied.
	Position() uint64
	// FollowBatch applies a run of records in store order, prev the position before it.
	FollowBatch(ctx context.Context, es eventlog.EventStore, recs []eventlog.Record, prev uint64) error
	// FlushEvery commits every interval until ctx ends, then once more with stop.
	FlushEvery(ctx, stop context.Context, interval time.Duration, onErr func(error)) error
}

// consumers is several consumers fed by one subscription and one relay.
type consumers []Consumer

// Position is the lowest position any of them has applied.
func (cs consumers) Position() uint64 {
	low := ^uint64(0)
	for _, c := range cs {
		low = min(low, c.Position())
	}
	return low
}

// FollowBatch hands the run to each; each skips what it has.
func (cs consumers) FollowBatch(ctx context.Context, es eventlog.EventStore, recs []eventlog.Record, prev uint64) error {
	for _, c := range cs {
		if err := c.FollowBatch(ctx, es, recs, prev); err != nil {
			return err
		}
	}
	return nil
}

// RunAll is Run for several consumers over one subscription and one relay: the relay
// starts from the lowest position, a message is acknowledged once every consumer has
// applied its record, and each commits on its own (FlushEvery, FlushInterval).
func RunAll(ctx context.Context, events eventlog.EventStore, bus *Bus, svc *projections.Service, logger *slog.Logger, cs ...Consumer) error {
	return run(ctx, events, bus, svc, logger, true, cs...)
}

// RunConsumers is RunAll without the relay: the consumers take what another node's relay
// publishes into the shared bus (JetStream), the relay running on one node at a time
// under its lease (RunRelay; docs/SCALING.md). A gap in what arrives is read from the
// event store, as with RunAll.
func RunConsumers(ctx context.Context, events eventlog.EventStore, bus *Bus, logger *slog.Logger, cs ...Consumer) error {
	return run(ctx, events, bus, nil, logger, false, cs...)
}

func run(ctx context.Context, events eventlog.EventStore, bus *Bus, svc *projections.Service, logger *slog.Logger, relaying bool, cs ...Consumer) error {
	engine := consumers(cs)
	published, open := sealedSource(events)
	if logger == nil {
		logger = slog.Default()
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	msgs, err := bus.Sub.Subscribe(ctx, bus.Topic)
	if err != nil {
		return fmt.Errorf("subscribe %s: %w", bus.Topic, err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 2+len(cs))
	wg.Add(1 + len(cs))
	go func() {
		defer wg.Done()
		applied := func(pos uint64) bool { return pos <= engine.Position() }
		quiet := func(ctx context.Context) { readPastAStall(ctx, events, engine, logger) }
		consumeAll(ctx, msgs, logger, applied, quiet, func(ctx context.Context, rec eventlog.Record, m *message.Message) error {
			rec, err := open(ctx, rec)
			if err != nil {
				return err
			}
			return followAhead(ctx, events, engine, rec, PrevPosition(m), HeadPosition(m))
		})
	}()
	for _, c := range cs {
		go func() {
			defer wg.Done()
			stop, done := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			defer done()
			onErr := func(err error) { logger.Error("read models: commit failed; retrying", "err", err) }
			interval := FlushInterval
			if p, ok := c.(interface{ FlushPeriod() time.Duration }); ok {
				interval = p.FlushPeriod() // a consumer whose commits cost more says how often
			}
			if err := c.FlushEvery(ctx, stop, interval, onErr); err != nil {
				errs <- fmt.Errorf("read models: final commit: %w", err)
			}
		}()
	}
	var onRead func(eventlog.Record)
	if svc != nil {
		onRead = func(r eventlog.Record) { svc.ObserveHead(r.Position) }
	}
	relay := New(published, bus, logger, onRead)
	for !relaying && ctx.Err() == nil {
		<-ctx.Done()
	}
	for relaying && ctx.Err() == nil {
		// A failed subscription (the event store unreachable) starts again from what the
		// engine has applied; records published twice are skipped by position.
		if err := relay.Run(ctx, engine.Position()); err != nil {
			logger.Error("relay stopped; restarting", "err", err)
			select {
			case <-ctx.Done():
			case <-time.After(RetryDelay):
			}
		}
	}
	cancel()
	wg.Wait()
	close(errs)
	return <-errs
}

// opening is an event store that opens sealed personal fields as it reads
// (erasure.OpeningStore): the relay publishes its raw records, so the bus (NATS) carries
// only sealed text, and the consumer opens each record it takes off the bus.
type opening interface {
	Raw() eventlog.EventStore
	OpenRecord(ctx context.Context, r eventlog.Record) (eventlog.Record, error)
}

// sealedSource returns the store the relay publishes from and how a consumed record is
// opened: events itself and nothing to open, unless events opens as it reads.
func sealedSource(events eventlog.EventStore) (eventlog.EventStore, func(context.Context, eventlog.Record) (eventlog.Record, error)) {
	if o, ok := events.(opening); ok {
		return o.Raw(), o.OpenRecord
	}
	return events, func(_ context.Context, r eventlog.Record) (eventlog.Record, error) { return r, nil }
}

// followAhead applies rec (prev: the position before it) and, when head says the store
// holds more after it, up to FollowAhead records read from the store with it: one batch.
// The message is acknowledged only once this returns nil, so only after its record is
// applied; a failed read ahead leaves the record alone to apply.
func followAhead(ctx context.Context, events eventlog.EventStore, engine consumers, rec eventlog.Record, prev, head uint64) error {
	recs := []eventlog.Record{rec}
	if head > rec.Position && rec.Position > engine.Position() {
		if more, err := events.ReadAll(ctx, rec.Position, FollowAhead-1); err == nil {
			recs = append(recs, more...)
		}
	}
	return engine.FollowBatch(ctx, events, recs, prev)
}

// StallAfter is how long the consumers wait for a message before they look into the
// event store themselves (readPastAStall).
const StallAfter = 2 * time.Second

// readPastAStall applies what the event store holds past the consumers when no message
// came for StallAfter. A gap is otherwise noticed only when a later message arrives; a
// subscription that silently delivers nothing more (seen in the cluster acceptance test:
// the JetStream consumer of the projector's node gone after a NATS node's restart,
// "consumer not found" at its stop) would leave the read models behind for good, every
// node's /readyz reporting the lag and the load balancer without a server. Records whose
// messages arrive later are acknowledged as duplicates. On a quiet store it is one read
// of nothing every StallAfter.
func readPastAStall(ctx context.Context, events eventlog.EventStore, engine consumers, logger *slog.Logger) {
	from := engine.Position()
	recs, err := events.ReadAll(ctx, from, FollowAhead)
	if err != nil || len(recs) == 0 {
		return
	}
	logger.Warn("no message from the bus while the event store holds more: reading it from the store",
		"after", from, "records", len(recs), "quiet_for", StallAfter)
	if err := engine.FollowBatch(ctx, events, recs, from); err != nil {
		logger.Error("read models: records read past a stalled bus not applied", "err", err)
	}
}

// consumeAll hands every message to consumeOne, in order, until ctx ends or the channel
// closes. skip, if not nil, reports a position already applied: such a message is
// acknowledged without being decoded. quiet, if not nil, runs after each StallAfter
// without a message, and on, every StallAfter, if the channel closes before ctx ends.
func consumeAll(ctx context.Context, msgs <-chan *message.Message, logger *slog.Logger, skip func(uint64) bool,
	quiet func(context.Context), handle func(context.Context, eventlog.Record, *message.Message) error) {
	tick := time.NewTicker(StallAfter)
	defer tick.Stop()
	last := time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if quiet != nil && time.Since(last) >= StallAfter {
				quiet(ctx)
			}
		case m, ok := <-msgs:
			if !ok {
				if quiet == nil || ctx.Err() != nil {
					return
				}
				// The subscription ended under us: go on from the store alone (a nil
				// channel is never ready) rather than stop following.
				logger.Error("the bus closed the subscription; following the event store instead")
				msgs = nil
				continue
			}
			last = time.Now()
			if pos, ok := position(m); ok && skip != nil && skip(pos) {
				m.Ack()
				continue
			}
			consumeOne(ctx, m, logger, handle)
		}
	}
}
