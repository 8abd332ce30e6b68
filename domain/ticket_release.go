package domain

import "github.com/google/uuid"

// TicketUnassigned hands an open ticket back to its team's queue: the assignee is
// cleared and an assigned ticket is classified again (an escalated or waiting one keeps
// its status). Reason says why (an account deactivated, a shift handed over).
type TicketUnassigned struct {
	AgentID uuid.UUID `json:"agent_id"`
	Reason  string    `json:"reason"`
}

func (TicketUnassigned) EventType() string { return TypeTicketUnassigned }

// Release unassigns the ticket from agent. Only a ticket that is open and still assigned
// to that agent records anything, so a retry, or a ticket reassigned meanwhile, is no
// change.
func (t *Ticket) Release(agent uuid.UUID, reason string) ([]Event, error) {
	if !t.Exists() {
		return nil, ErrNotFound
	}
	var v validator
	v.check(textOK(reason, 1, maxReason), "reason", "is required, at most 2000 characters")
	if err := v.err(); err != nil {
		return nil, err
	}
	if t.s.Assignee != agent || agent == uuid.Nil || !t.in(StatusAssigned, StatusEscalated, StatusWaiting) {
		return nil, nil
	}
	return []Event{TicketUnassigned{AgentID: agent, Reason: reason}}, nil
}
