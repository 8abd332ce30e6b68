package command

import (
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
type CheckSLAHandler = TicketHandler[CheckSLA]

// NewCheckSLAHandler returns the handler on its ports; it panics when store or clock is nil.
func NewCheckSLAHandler(store eventlog.EventStore, clock application.Clock, cache *StreamCache, policy domain.SLAPolicy) CheckSLAHandler {
	return newTicketHandler[CheckSLA](store, clock, cache, policy)
}

func (c CheckSLA) ticket() uuid.UUID { return c.TicketID }

// validate refuses an unknown clock before the ticket is read.
func (c CheckSLA) validate() error {
	if c.Clock != domain.ClockFirstResponse && c.Clock != domain.ClockResolution {
		return invalidField("clock", "must be first_response or resolution")
	}
	return nil
}

// decide records a breach if the clock is past due, else a warning if past the warning share.
func (c CheckSLA) decide(t *domain.Ticket, d decision) ([]domain.Event, error) {
	if !t.Exists() {
		return nil, application.ErrNotFound
	}
	if events := t.RecordSLABreach(c.Clock, d.now, d.policy); len(events) > 0 {
		return events, nil
	}
	return t.RecordSLAWarning(c.Clock, d.now, d.policy), nil
}

// CheckStage asks the domain whether stage time limits of the policy have passed for the
// ticket (the stage monitor issues it, actor system, rule stage_monitor).
type CheckStage struct {
	TicketID uuid.UUID
}

// CheckStageHandler handles CheckStage.
type CheckStageHandler = TicketHandler[CheckStage]

// NewCheckStageHandler returns the handler on its ports; it panics when store or clock is nil.
func NewCheckStageHandler(store eventlog.EventStore, clock application.Clock, cache *StreamCache, policy domain.SLAPolicy) CheckStageHandler {
	return newTicketHandler[CheckStage](store, clock, cache, policy)
}

func (c CheckStage) ticket() uuid.UUID { return c.TicketID }

func (c CheckStage) decide(t *domain.Ticket, d decision) ([]domain.Event, error) {
	if !t.Exists() {
		return nil, application.ErrNotFound
	}
	return t.CheckStage(d.now, d.policy), nil
}
