package command

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// AssignTicket gives the ticket to an agent, or with Auto to the agent the router picks.
type AssignTicket struct {
	TicketID uuid.UUID
	AgentID  uuid.UUID
	Auto     bool
}

// ErrNoAgentAvailable: auto-assignment found no online agent with the skill and room; the
// ticket stays in its queue. It is an ErrConflict (409): the request was fine, the moment not.
var ErrNoAgentAvailable = fmt.Errorf("%w: no agent can take the ticket now", application.ErrConflict)

// AssignTicketHandler handles AssignTicket.
type AssignTicketHandler struct {
	s      streams
	router AgentPicker // nil: auto-assignment is unavailable
}

// NewAssignTicketHandler returns the handler on its ports; it panics when store or clock
// is nil. The router may be nil: then {"auto":true} is refused, and assigning a named
// agent still works.
func NewAssignTicketHandler(store eventlog.EventStore, clock application.Clock, cache *StreamCache, router AgentPicker) AssignTicketHandler {
	return AssignTicketHandler{s: newStreams("AssignTicketHandler", store, clock, cache), router: router}
}

// Handle checks the agent exists (or asks the router), then assigns.
func (h AssignTicketHandler) Handle(ctx context.Context, c AssignTicket, meta CommandMeta) (TicketResult, error) {
	if c.Auto == (c.AgentID != uuid.Nil) {
		return TicketResult{}, invalidField("agent_id", "give either agent_id or auto:true")
	}
	return ticketUpdate(ctx, h.s, c.TicketID, meta, func(t *domain.Ticket, _ time.Time) ([]domain.Event, error) {
		agent, err := h.agentFor(ctx, t, c)
		if err != nil {
			return nil, err
		}
		return t.Assign(domain.AssignTicket{AgentID: agent.ID, AgentName: agent.Name, Auto: c.Auto, Rule: meta.Rule})
	})
}

func (h AssignTicketHandler) agentFor(ctx context.Context, t *domain.Ticket, c AssignTicket) (domain.AgentState, error) {
	if !t.Exists() {
		return domain.AgentState{}, application.ErrNotFound
	}
	if c.Auto {
		if h.router == nil {
			return domain.AgentState{}, fmt.Errorf("%w: automatic assignment is not enabled here", application.ErrUnavailable)
		}
		a, err := h.router.Pick(ctx, t.State())
		if errors.Is(err, application.ErrNotFound) {
			return domain.AgentState{}, ErrNoAgentAvailable
		}
		return a, err
	}
	a, err := LoadAgent(ctx, h.s.store, c.AgentID)
	if errors.Is(err, application.ErrNotFound) {
		return domain.AgentState{}, invalidField("agent_id", "no agent has this id")
	}
	return a, err
}

// LoadAgent reads an agent's current state from its stream.
func LoadAgent(ctx context.Context, store eventlog.EventStore, id uuid.UUID) (domain.AgentState, error) {
	recs, err := store.ReadStream(ctx, eventlog.AgentStream(id))
	if err != nil {
		return domain.AgentState{}, err
	}
	a, err := FoldAgent(recs)
	if err != nil {
		return domain.AgentState{}, err
	}
	if !a.Exists() {
		return domain.AgentState{}, application.ErrNotFound
	}
	return a.State(), nil
}
