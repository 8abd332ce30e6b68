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
// Timezone and Roster (docs/SLA-CLOCKS.md, "Shifts") are decided with the profile, in
// one append: a bad roster leaves the profile unchanged too.
type ChangeAgentProfile struct {
	AgentID uuid.UUID
	domain.ChangeAgentProfile
	Timezone *string
	Roster   *domain.Roster
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
	out, err := update(ctx, h.s, eventlog.AgentStream(c.AgentID), meta, agentFolder, func(a *domain.Agent, now time.Time) ([]domain.Event, error) {
		events, err := a.ChangeProfile(c.ChangeAgentProfile)
		if err != nil || (c.Timezone == nil && c.Roster == nil) {
			return events, err
		}
		roster, err := a.SetRoster(c.Timezone, c.Roster, now)
		return append(events, roster...), err
	})
	if err != nil {
		return domain.AgentState{}, 0, err
	}
	return Public(out.Agg.State()), out.Version, nil
}
