package command

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// SetAgentPresence takes an agent online or offline for routing.
type SetAgentPresence struct {
	AgentID uuid.UUID
	Online  bool
}

// SetAgentPresenceHandler handles SetAgentPresence.
type SetAgentPresenceHandler struct{ s streams }

// NewSetAgentPresenceHandler returns the handler on its ports; it panics when store or clock is nil.
func NewSetAgentPresenceHandler(store eventlog.EventStore, clock application.Clock, cache *StreamCache) SetAgentPresenceHandler {
	return SetAgentPresenceHandler{newStreams("SetAgentPresenceHandler", store, clock, cache)}
}

// Handle records the change of presence.
func (h SetAgentPresenceHandler) Handle(ctx context.Context, c SetAgentPresence, meta CommandMeta) (domain.AgentState, error) {
	out, err := update(ctx, h.s, eventlog.AgentStream(c.AgentID), meta, agentFolder, func(a *domain.Agent, _ time.Time) ([]domain.Event, error) {
		return a.SetPresence(c.Online)
	})
	if err != nil {
		return domain.AgentState{}, err
	}
	return out.Agg.State(), nil
}
