package command

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// PassShiftBoundary is the roster duty's command (application/policy, shifts.go): the
// agent's shift started (Starting, ending at End) or ended at At.
type PassShiftBoundary struct {
	AgentID  uuid.UUID
	At       time.Time
	Starting bool
	End      time.Time
}

// PassShiftBoundaryHandler handles PassShiftBoundary.
type PassShiftBoundaryHandler struct{ s streams }

// NewPassShiftBoundaryHandler returns the handler on its ports; it panics when store or clock is nil.
func NewPassShiftBoundaryHandler(store eventlog.EventStore, clock application.Clock, cache *StreamCache) PassShiftBoundaryHandler {
	return PassShiftBoundaryHandler{newStreams("PassShiftBoundaryHandler", store, clock, cache)}
}

// Handle records the boundary once: the agent refuses one at or before the last it
// recorded, so a retry, a late tick or a second process appends nothing. It reports
// whether this call recorded it.
func (h PassShiftBoundaryHandler) Handle(ctx context.Context, c PassShiftBoundary, meta CommandMeta) (bool, error) {
	out, err := update(ctx, h.s, eventlog.AgentStream(c.AgentID), meta, agentFolder, func(a *domain.Agent, _ time.Time) ([]domain.Event, error) {
		return a.PassShiftBoundary(c.At, c.Starting, c.End)
	})
	return len(out.Appended) > 0, err
}
