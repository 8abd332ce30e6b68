package command

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// AssignedTickets finds the open tickets assigned to an agent (the queues read model).
// It may be behind the event store: ReleaseAgentTickets decides on each ticket's stream.
type AssignedTickets interface {
	OpenTicketsOf(ctx context.Context, agent uuid.UUID) ([]uuid.UUID, error)
}

// ReleaseAgentTickets hands an agent's open tickets back to their teams' queues, with
// the reason recorded on each (a deactivation, a shift handover).
type ReleaseAgentTickets struct {
	AgentID uuid.UUID
	Reason  string
}

// ReleaseAgentTicketsHandler handles ReleaseAgentTickets.
type ReleaseAgentTicketsHandler struct {
	s       streams
	tickets AssignedTickets // nil: nothing to find the tickets with (no read side)
}

// NewReleaseAgentTicketsHandler returns the handler on its ports; it panics when store
// or clock is nil. tickets may be nil (then no ticket is found); see WithTickets.
func NewReleaseAgentTicketsHandler(store eventlog.EventStore, clock application.Clock, cache *StreamCache, tickets AssignedTickets) ReleaseAgentTicketsHandler {
	return ReleaseAgentTicketsHandler{s: newStreams("ReleaseAgentTicketsHandler", store, clock, cache), tickets: tickets}
}

// WithTickets is the handler finding tickets with t (built after the read side).
func (h ReleaseAgentTicketsHandler) WithTickets(t AssignedTickets) ReleaseAgentTicketsHandler {
	h.tickets = t
	return h
}

// Handle appends one TicketUnassigned per ticket still assigned to the agent, and returns
// the ids of the tickets it released. It is idempotent: a ticket released already, or
// reassigned meanwhile, records nothing (domain.Ticket.Release), so a retry after a
// failure half-way releases only the rest.
func (h ReleaseAgentTicketsHandler) Handle(ctx context.Context, c ReleaseAgentTickets, meta CommandMeta) ([]uuid.UUID, error) {
	if h.tickets == nil {
		return nil, nil
	}
	ids, err := h.tickets.OpenTicketsOf(ctx, c.AgentID)
	if err != nil {
		return nil, fmt.Errorf("release tickets of %s: %w", c.AgentID, err)
	}
	var released []uuid.UUID
	for _, id := range ids {
		// The domain's decision is the once-rule here (nothing unless still assigned to
		// the agent); the request's idempotency key belongs to the account's stream.
		m := meta
		m.IdempotencyKey, m.RequestHash, m.ExpectedVersion = "", "", nil
		out, err := update(ctx, h.s, eventlog.TicketStream(id), m, ticketFolder, func(t *domain.Ticket, _ time.Time) ([]domain.Event, error) {
			return t.Release(c.AgentID, c.Reason)
		})
		if err != nil {
			return released, fmt.Errorf("release ticket %s: %w", id, err)
		}
		if len(out.Appended) > 0 {
			released = append(released, id)
		}
	}
	return released, nil
}
