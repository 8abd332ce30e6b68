package command

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// SystemActor is the actor of every automatic action.
const SystemActor = "system"

// CheckSLA is issued by the SLA monitor for one clock of one ticket: it records a warning
// or a breach (with its escalation) when one is due, and nothing otherwise. The domain
// decides from the stream, so a repeat, a restart or a second monitor process cannot
// record the same warning or breach twice: the loser of a race decides again and finds
// it recorded.
type CheckSLA struct {
	TicketID uuid.UUID
	Clock    string // domain.ClockFirstResponse or domain.ClockResolution
}

// CheckSLAHandler handles CheckSLA.
type CheckSLAHandler struct {
	s      streams
	policy domain.SLAPolicy
}

// NewCheckSLAHandler returns the handler on its ports; it panics when store or clock is nil.
func NewCheckSLAHandler(store eventlog.EventStore, clock application.Clock, cache *StreamCache, policy domain.SLAPolicy) CheckSLAHandler {
	return CheckSLAHandler{s: newStreams("CheckSLAHandler", store, clock, cache), policy: policy}
}

// Handle records a breach if the clock is past due, else a warning if past the warning share.
func (h CheckSLAHandler) Handle(ctx context.Context, c CheckSLA, meta CommandMeta) (TicketResult, error) {
	if c.Clock != domain.ClockFirstResponse && c.Clock != domain.ClockResolution {
		return TicketResult{}, invalidField("clock", "must be first_response or resolution")
	}
	return ticketUpdate(ctx, h.s, c.TicketID, meta, func(t *domain.Ticket, now time.Time) ([]domain.Event, error) {
		if !t.Exists() {
			return nil, application.ErrNotFound
		}
		if events := t.RecordSLABreach(c.Clock, now, h.policy); len(events) > 0 {
			return events, nil
		}
		return t.RecordSLAWarning(c.Clock, now, h.policy), nil
	})
}
