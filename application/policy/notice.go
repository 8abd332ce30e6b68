package policy

import (
	"context"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// Notice is a live event worth telling someone about, with what the notifier needs to
// address and word the message: the ticket as it stands after the event, its assignee,
// and (for an SLA warning on an unassigned ticket) the agents of its team.
type Notice struct {
	Record   eventlog.Record
	Ticket   domain.TicketState
	Assignee *domain.AgentState
	Team     []domain.AgentState
}

// NoticeSink takes notices (the Notifier): Resume tells from which position on, and
// Enqueue must not block.
type NoticeSink interface {
	Resume(ctx context.Context) (uint64, error)
	Enqueue(Notice)
}

// noticed lists the event types that lead to a message.
func noticed(eventType string) bool {
	switch eventType {
	case domain.TypeTicketReceived, domain.TypeTicketAssigned, domain.TypeTicketAwaitingCustomer,
		domain.TypeTicketResolved, domain.TypeSLAWarningIssued:
		return true
	}
	return false
}

// noticeLocked builds the notice for a live ticket record, if it calls for one.
func (e *Engine) noticeLocked(r eventlog.Record, id uuid.UUID) (Notice, bool) {
	if id == uuid.Nil || !noticed(r.Type) {
		return Notice{}, false
	}
	tv := e.v.tickets[id]
	n := Notice{Record: r, Ticket: tv.t.State()}
	if av := e.v.agents[n.Ticket.Assignee]; av != nil && n.Ticket.Assignee != uuid.Nil {
		a := av.a.State()
		n.Assignee = &a
	}
	if r.Type == domain.TypeSLAWarningIssued && n.Assignee == nil {
		for _, av := range e.v.agents {
			if a := av.a.State(); a.Version >= 0 && a.Team == n.Ticket.Team {
				n.Team = append(n.Team, a)
			}
		}
	}
	return n, true
}
