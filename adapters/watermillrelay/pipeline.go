package watermillrelay

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/projections"
)

// PubSub is a Watermill bus: GoChannel in one process.
type PubSub interface {
	message.Publisher
	message.Subscriber
}

// FlushInterval bounds how long an applied record waits to be committed when no more
// come: the staleness of a quiet read model.
const FlushInterval = 20 * time.Millisecond

// Run is the read side's live path until ctx ends: it subscribes the engine to the bus
// first (GoChannel drops what nobody listens to yet), then relays the event store from
// the engine's position, committing every FlushInterval. When ctx ends it commits what
// was applied, so a shutdown stops at a checkpoint, and returns nil; it returns an error
// when the relay or a commit fails.
func Run(ctx context.Context, events application.EventStore, bus PubSub, engine *projections.Engine, svc *projections.Service, logger *slog.Logger) error {
	if logger == nil {
		logger = slog.Default()
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	msgs, err := bus.Subscribe(ctx, Topic)
	if err != nil {
		return fmt.Errorf("subscribe %s: %w", Topic, err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 3)
	wg.Add(2)
	go func() {
		defer wg.Done()
		consumeAll(ctx, msgs, logger, engine.Handle)
	}()
	go func() {
		defer wg.Done()
		stop, done := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer done()
		if err := engine.FlushEvery(ctx, stop, FlushInterval); err != nil {
			errs <- err
			cancel()
		}
	}()
	var onRead func(application.Record)
	if svc != nil {
		onRead = func(r application.Record) { svc.ObserveHead(r.Position) }
	}
	if err := New(events, bus, logger, onRead).Run(ctx, engine.Position()); err != nil {
		errs <- err
	}
	cancel()
	wg.Wait()
	close(errs)
	return <-errs
}

func consumeAll(ctx context.Context, msgs <-chan *message.Message, logger *slog.Logger, handle func(context.Context, application.Record) error) {
	for {
		select {
		case <-ctx.Done():
			return
		case m, ok := <-msgs:
			if !ok {
				return
			}
			consumeOne(ctx, m, logger, handle)
		}
	}
}
