package policy

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// The policy view's checkpoint (docs/SCALING.md): the leaseholder of the policies saves
// the view (its state and position) every CheckpointEvery in the store every node shares,
// and an engine starting folds from there instead of from position 0.

// CheckpointStore keeps checkpoints in the shared store (adapters/eventstore/pgstore).
type CheckpointStore interface {
	// LoadCheckpoint returns the checkpoint name: position 0 and no state when none.
	LoadCheckpoint(ctx context.Context, name string) (position uint64, state []byte, err error)
	// SaveCheckpoint saves it under the lease's epoch; saved is false when a greater
	// epoch, or a later position, saved one already (this node's lease is gone).
	SaveCheckpoint(ctx context.Context, name string, epoch, position uint64, state []byte) (saved bool, err error)
}

// ViewCheckpoint is the name of the policy view's checkpoint.
const ViewCheckpoint = "policy-view"

// CheckpointEvery is how often the leading engine saves the view.
const CheckpointEvery = 30 * time.Second

// viewSnapshot is the view as JSON: the tickets and agents with what the policies keep
// beside their state; the loads and the waiting set are derived again (track).
type viewSnapshot struct {
	Position    uint64            `json:"position"`
	Tickets     []ticketSnapshot  `json:"tickets"`
	Agents      []agentSnapshot   `json:"agents"`
	RouteHashes map[string]string `json:"route_hashes"`
	Closed      []uuid.UUID       `json:"closed"`
	Dormant     []uuid.UUID       `json:"dormant"`
}

type ticketSnapshot struct {
	ID            uuid.UUID          `json:"id"`
	State         domain.TicketState `json:"state"`
	Body          string             `json:"body,omitempty"`
	Last          eventlog.Record    `json:"last"`
	Manual        bool               `json:"manual,omitempty"`
	Ruled         bool               `json:"ruled,omitempty"`
	Tiered        bool               `json:"tiered,omitempty"`
	RoutedTo      []uuid.UUID        `json:"routed_to,omitempty"`
	RoutedVersion int64              `json:"routed_version"`
}

type agentSnapshot struct {
	ID           uuid.UUID         `json:"id"`
	State        domain.AgentState `json:"state"`
	LastAssigned time.Time         `json:"last_assigned"`
	RouteVersion int64             `json:"route_version"`
}

// snapshot encodes the view; the caller holds the engine's lock.
func (v *view) snapshot() ([]byte, error) {
	s := viewSnapshot{Position: v.position, RouteHashes: v.routeHashes}
	for id, tv := range v.tickets {
		s.Tickets = append(s.Tickets, ticketSnapshot{ID: id, State: tv.t.State(), Body: tv.body, Last: tv.last,
			Manual: tv.manual, Ruled: tv.ruled, Tiered: tv.tiered, RoutedTo: tv.routedTo, RoutedVersion: tv.routedVersion})
	}
	for id, av := range v.agents {
		s.Agents = append(s.Agents, agentSnapshot{ID: id, State: av.a.State(), LastAssigned: av.lastAssigned, RouteVersion: av.routeVersion})
	}
	for id := range v.closed {
		s.Closed = append(s.Closed, id)
	}
	for id := range v.dormant {
		s.Dormant = append(s.Dormant, id)
	}
	return json.Marshal(s)
}

// restoreView decodes a snapshot into a view.
func restoreView(data []byte) (*view, error) {
	var s viewSnapshot
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, err
	}
	v := newView()
	v.position = s.Position
	for _, a := range s.Agents {
		v.agents[a.ID] = &agentView{a: domain.RestoreAgent(a.State), lastAssigned: a.LastAssigned, routeVersion: a.RouteVersion}
	}
	for _, t := range s.Tickets {
		tv := &ticketView{t: domain.RestoreTicket(t.State), body: t.Body, last: t.Last, manual: t.Manual, ruled: t.Ruled,
			tiered: t.Tiered, routedTo: t.RoutedTo, routedVersion: t.RoutedVersion}
		v.tickets[t.ID] = tv
		v.track(t.ID, tv)
	}
	for k, h := range s.RouteHashes {
		v.routeHashes[k] = h
	}
	for _, id := range s.Closed {
		v.closed[id] = struct{}{}
	}
	for _, id := range s.Dormant {
		v.dormant[id] = struct{}{}
	}
	return v, nil
}

// restore starts the view from the shared checkpoint, when there is one and the notifier
// needs no notice of a record before it (its progress is at or past the checkpoint, and
// nothing before it is in doubt): the records before the checkpoint are then not folded
// again. It returns the position to fold from (0 without a usable checkpoint).
func (e *Engine) restore(ctx context.Context) (uint64, error) {
	if e.checkpoints == nil {
		return 0, nil
	}
	pos, data, err := e.checkpoints.LoadCheckpoint(ctx, ViewCheckpoint)
	if err != nil {
		return 0, fmt.Errorf("policy engine: checkpoint: %w", err)
	}
	if pos == 0 || data == nil {
		return 0, nil
	}
	if e.notify != nil {
		if e.notifyAfter < pos {
			e.log.Info("policy checkpoint not used: mails of records before it may be due", slog.Uint64("checkpoint", pos), slog.Uint64("mailed", e.notifyAfter))
			return 0, nil
		}
		for p := range e.notifyAgain {
			if p <= pos {
				return 0, nil
			}
		}
	}
	v, err := restoreView(data)
	if err != nil {
		e.log.Warn("policy checkpoint unreadable: folding from position 0", slog.Any("err", err))
		return 0, nil
	}
	e.mu.Lock()
	v.shiftEnding = e.v.shiftEnding
	e.v = v
	for id := range v.tickets {
		e.scheduleLocked(id)
	}
	e.stats.position.Store(int64(v.position))
	e.mu.Unlock()
	e.log.Info("policy view restored from its checkpoint", slog.Uint64("position", pos), slog.Int("open_tickets", len(v.tickets)))
	return pos, nil
}

// saveCheckpoints saves the view every CheckpointEvery while ctx lasts (the lease is
// held), and once more on the way out.
func (e *Engine) saveCheckpoints(ctx context.Context, epoch uint64) {
	if e.checkpoints == nil {
		return
	}
	t := time.NewTicker(e.checkpointEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			e.saveCheckpoint(sctx, epoch)
			cancel()
			return
		case <-t.C:
			e.saveCheckpoint(ctx, epoch)
		}
	}
}

func (e *Engine) saveCheckpoint(ctx context.Context, epoch uint64) {
	e.mu.Lock()
	pos := e.v.position
	data, err := e.v.snapshot()
	e.mu.Unlock()
	if err == nil && pos > 0 {
		var saved bool
		if saved, err = e.checkpoints.SaveCheckpoint(ctx, ViewCheckpoint, epoch, pos, data); err == nil && !saved {
			e.log.Info("policy checkpoint not saved: a later one exists", slog.Uint64("position", pos))
		}
	}
	if err != nil {
		e.log.Warn("policy checkpoint not saved", slog.Any("err", err))
	}
}
