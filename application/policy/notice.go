package policy

import (
	"context"
	"strings"

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

// NoticeSink takes notices (the Notifier): Resume tells from which position on, and which
// earlier positions again (mails in doubt after a crash); Enqueue must not block.
type NoticeSink interface {
	Resume(ctx context.Context) (after uint64, again []uint64, err error)
	Enqueue(Notice)
}

// noticed lists the event types that lead to a message.
func noticed(eventType string) bool {
	switch eventType {
	case domain.TypeTicketReceived, domain.TypeTicketAssigned, domain.TypeTicketAwaitingCustomer,
		domain.TypeTicketResolved, domain.TypeSLAWarningIssued, domain.TypeTicketReplied, domain.TypeTicketReopened,
		domain.TypeTicketClosed, domain.TypeSLABreached, domain.TypeTicketEscalated, domain.TypeStageDeadlinePassed,
		domain.TypeStageWarningIssued:
		return true
	}
	return false
}

// noticeLocked builds the notice for a live ticket record, if it calls for one. Closing a
// resolved ticket the view let go of gives a notice without the ticket's state, which
// the notifier reads from the ticket's stream.
func (e *Engine) noticeLocked(r eventlog.Record, id uuid.UUID) (Notice, bool) {
	if n, ok := hotIssueNotice(r); ok {
		return n, true
	}
	if !noticed(r.Type) {
		return Notice{}, false
	}
	if id == uuid.Nil {
		if r.Type != domain.TypeTicketClosed || !strings.HasPrefix(r.Stream, eventlog.TicketStreamPrefix) {
			return Notice{}, false
		}
		return Notice{Record: r, Ticket: domain.TicketState{Version: -1}}, true
	}
	tv := e.v.tickets[id]
	n := Notice{Record: r, Ticket: tv.t.State()}
	if av := e.v.agents[n.Ticket.Assignee]; av != nil && n.Ticket.Assignee != uuid.Nil {
		a := av.a.State()
		n.Assignee = &a
	}
	if (r.Type == domain.TypeSLAWarningIssued || r.Type == domain.TypeStageWarningIssued || r.Type == domain.TypeStageDeadlinePassed) && n.Assignee == nil {
		for _, av := range e.v.agents {
			if a := av.a.State(); a.Version >= 0 && a.Team == n.Ticket.Team {
				n.Team = append(n.Team, a)
			}
		}
	}
	return n, true
}
