package command

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// ChangeAgentProfile is PATCH /agents/{id}: the fields given change, the others stay.
type ChangeAgentProfile struct {
	AgentID uuid.UUID
	domain.ChangeAgentProfile
}

// ChangeAgentProfileHandler handles ChangeAgentProfile.
type ChangeAgentProfileHandler struct{ s streams }

// NewChangeAgentProfileHandler returns the handler on its ports; it panics when store or clock is nil.
func NewChangeAgentProfileHandler(store eventlog.EventStore, clock application.Clock, cache *StreamCache) ChangeAgentProfileHandler {
	return ChangeAgentProfileHandler{newStreams("ChangeAgentProfileHandler", store, clock, cache)}
}

// Handle records AgentProfileChanged; routing reads the new values from the agents read
// model as soon as it has folded the event.
func (h ChangeAgentProfileHandler) Handle(ctx context.Context, c ChangeAgentProfile, meta CommandMeta) (domain.AgentState, int64, error) {
	out, err := update(ctx, h.s, eventlog.AgentStream(c.AgentID), meta, agentFolder, func(a *domain.Agent, _ time.Time) ([]domain.Event, error) {
		return a.ChangeProfile(c.ChangeAgentProfile)
	})
	if err != nil {
		return domain.AgentState{}, 0, err
	}
	return Public(out.Agg.State()), out.Version, nil
}
