package policy

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// Options configure an Engine.
type Options struct {
	Store  eventlog.EventStore
	Clock  application.Clock
	Policy domain.SLAPolicy
	Rules  Rules
	// Routing turns on automatic assignment on classification (rule auto_route).
	Routing bool
	// Notifier, when set, receives a Notice for every record after its progress (see
	// Notice); Enqueue must not block.
	Notifier NoticeSink
	Log      *slog.Logger
	// Standby starts the engine following only: it folds the store into its view (so the
	// router and the staff directory answer on every node) but acts (SLA checks, rules,
	// routing) only while Lead runs, which the node runs under a lease (docs/SCALING.md).
	// Without it the engine acts from the start, as the one node of its store.
	Standby bool
	// RetryAfter is how long a check or route that changed nothing waits before it is
	// tried again; default one second.
	RetryAfter time.Duration
	// Checkpoints, when set, keeps the view's checkpoint in the shared store: Run starts
	// from it, and Lead saves it every CheckpointEvery (checkpoint.go).
	Checkpoints     CheckpointStore
	CheckpointEvery time.Duration
	// Shifts configure the roster duty and routing near a shift's end (shifts.go).
	Shifts ShiftOptions
}

// Engine runs the policies off one subscription: it folds every record into its view,
// then (once caught up with the store) lets the monitor, the rules, the router and the
// notifier react. It acts only through application commands, as the system actor.
type Engine struct {
	store   eventlog.EventStore
	clock   application.Clock
	policy  domain.SLAPolicy
	rules   Rules
	routing bool
	notify  NoticeSink
	// notifyAfter: records at or before this position were notified already; start: when
	// this engine started (with no progress recorded, only fresher records are notified).
	notifyAfter uint64
	notifyAgain map[uint64]bool
	start       time.Time
	log         *slog.Logger
	retry       time.Duration

	cmds   *command.Commands
	mu     sync.Mutex // guards v
	v      *view
	pickMu sync.Mutex // serialises routing decisions in this process
	mon    *monitor
	ready  chan struct{}
	stats  counters
	// standby: act only under Lead; leading: acting now (handle reacts to live records).
	standby bool
	leading atomic.Bool
	// epoch is the policies' lease epoch while Lead runs (0 otherwise, and on one node):
	// the commands the engine issues carry it (systemMeta).
	epoch atomic.Uint64
	// checkpoints keeps the view's checkpoint (nil: none), saved every checkpointEvery.
	checkpoints     CheckpointStore
	checkpointEvery time.Duration
	shifts          ShiftOptions
}

// New returns an engine; SetCommands must be called before Run.
func New(o Options) *Engine {
	if o.Clock == nil {
		o.Clock = application.SystemClock{}
	}
	if o.Log == nil {
		o.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if o.RetryAfter <= 0 {
		o.RetryAfter = time.Second
	}
	if o.CheckpointEvery <= 0 {
		o.CheckpointEvery = CheckpointEvery
	}
	e := &Engine{store: o.Store, clock: o.Clock, policy: o.Policy, rules: o.Rules, routing: o.Routing,
		notify: o.Notifier, log: o.Log, retry: o.RetryAfter, v: newView(), mon: newMonitor(), ready: make(chan struct{}),
		standby: o.Standby, checkpoints: o.Checkpoints, checkpointEvery: o.CheckpointEvery, shifts: o.Shifts.withDefaults()}
	e.v.shiftEnding = e.shiftEnding
	return e
}

// Router is the engine's command.AgentPicker, for command.Config.Router.
func (e *Engine) Router() *Router { return &Router{e} }

// SetCommands gives the engine the handlers it acts through (built with its Router).
func (e *Engine) SetCommands(c *command.Commands) { e.cmds = c }

// Ready is closed once the engine has caught up with the store.
func (e *Engine) Ready() <-chan struct{} { return e.ready }

// caughtUp waits (a bounded time) for the engine to have folded the store: routing on a
// partial picture could overfill an agent.
func (e *Engine) caughtUp(ctx context.Context) error {
	t := time.NewTimer(10 * time.Second)
	defer t.Stop()
	select {
	case <-e.ready:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return fmt.Errorf("%w: routing is still starting (catching up with the event store)", application.ErrUnavailable)
	}
}

// Run catches up with the store from position 0 (or the view's checkpoint) without acting (history has already been
// acted on), then reconciles every open ticket once (to pick up what happened while no
// engine ran: overdue SLA checks fire at once, unrouted tickets are routed), then follows
// the subscription live until ctx ends.
func (e *Engine) Run(ctx context.Context) error {
	if e.cmds == nil {
		return fmt.Errorf("policy engine: SetCommands was not called")
	}
	e.start = e.clock.Now()
	if e.notify != nil {
		after, again, err := e.notify.Resume(ctx)
		if err != nil {
			return err
		}
		e.notifyAfter, e.notifyAgain = after, map[uint64]bool{}
		for _, p := range again {
			e.notifyAgain[p] = true
		}
	}
	from, err := e.restore(ctx)
	if err != nil {
		return err
	}
	after, err := e.catchUp(ctx, from)
	if err != nil {
		return err
	}
	close(e.ready)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	e.log.Info("policies caught up", slog.Uint64("position", after))
	if e.standby {
		return e.store.Subscribe(ctx, after, e.handle)
	}
	e.leading.Store(true)
	errc := make(chan error, 1)
	go func() { errc <- e.mon.run(ctx, e.clock.Now, e.fire) }()
	e.reconcileAll(ctx)
	err = e.store.Subscribe(ctx, after, e.handle)
	cancel()
	<-errc
	return err
}

func (e *Engine) catchUp(ctx context.Context, after uint64) (uint64, error) {
	for {
		recs, err := e.store.ReadAll(ctx, after, 1000)
		if err != nil {
			return 0, fmt.Errorf("policy engine: catch up: %w", err)
		}
		if len(recs) == 0 {
			return after, nil
		}
		for _, r := range recs {
			if _, err := e.fold(ctx, r); err != nil {
				return 0, err
			}
		}
		after = recs[len(recs)-1].Position
	}
}

// fold applies one record to the view, reschedules its ticket's timers and passes on the
// notice it calls for. History and live records alike: whether a record was notified is
// the notifier's durable progress, not whether this process saw it live.
func (e *Engine) fold(ctx context.Context, r eventlog.Record) (uuid.UUID, error) {
	if err := e.wake(ctx, r); err != nil {
		return uuid.Nil, err
	}
	e.mu.Lock()
	id := e.v.apply(r)
	if id != uuid.Nil {
		e.scheduleLocked(id)
	}
	e.stats.position.Store(int64(e.v.position))
	notice, ok := e.noticeLocked(r, id)
	if id != uuid.Nil {
		e.v.retire(id)
	}
	e.mu.Unlock()
	if ok && e.notify != nil && e.notifiable(r) {
		e.notify.Enqueue(notice)
	}
	return id, nil
}

// wake reloads a dormant (resolved) ticket from its stream when it is reopened: the view
// dropped its state on resolution, and the reopening needs it.
func (e *Engine) wake(ctx context.Context, r eventlog.Record) error {
	if r.Type != domain.TypeTicketReopened {
		return nil
	}
	id, err := uuid.Parse(strings.TrimPrefix(r.Stream, eventlog.TicketStreamPrefix))
	if err != nil {
		return nil
	}
	e.mu.Lock()
	_, asleep := e.v.dormant[id]
	e.mu.Unlock()
	if !asleep {
		return nil
	}
	recs, err := e.store.ReadStream(ctx, r.Stream)
	if err != nil {
		return fmt.Errorf("policy engine: reload reopened %s: %w", r.Stream, err)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	delete(e.v.dormant, id)
	for _, rec := range recs {
		if rec.Version < r.Version {
			e.v.applyTicket(rec)
		}
	}
	return nil
}

// notifiable: after the notifier's progress, and, on a first start, fresh; or in doubt
// (claimed before a crash, never recorded sent).
func (e *Engine) notifiable(r eventlog.Record) bool {
	if r.Position <= e.notifyAfter {
		return e.notifyAgain[r.Position]
	}
	return e.notifyAfter > 0 || r.Meta.OccurredAt.After(e.start.Add(-FreshFor))
}

// FreshFor bounds how old a record may be to be mailed when no progress is recorded yet
// (a first start on an existing store), so history is not mailed out.
const FreshFor = 10 * time.Minute
