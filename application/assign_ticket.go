package application

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

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
var ErrNoAgentAvailable = fmt.Errorf("%w: no agent can take the ticket now", ErrConflict)

// AssignTicketHandler handles AssignTicket.
type AssignTicketHandler struct{ d Deps }

// NewAssignTicketHandler returns the handler.
func NewAssignTicketHandler(d Deps) AssignTicketHandler { return AssignTicketHandler{d} }

// Handle checks the agent exists (or asks the router), then assigns.
func (h AssignTicketHandler) Handle(ctx context.Context, c AssignTicket, meta CommandMeta) (TicketResult, error) {
	if c.Auto == (c.AgentID != uuid.Nil) {
		return TicketResult{}, invalidField("agent_id", "give either agent_id or auto:true")
	}
	return ticketUpdate(ctx, h.d, c.TicketID, meta, func(t *domain.Ticket, _ time.Time) ([]domain.Event, error) {
		agent, err := h.agentFor(ctx, t, c)
		if err != nil {
			return nil, err
		}
		return t.Assign(domain.AssignTicket{AgentID: agent.ID, AgentName: agent.Name, Auto: c.Auto, Rule: meta.Rule})
	})
}

func (h AssignTicketHandler) agentFor(ctx context.Context, t *domain.Ticket, c AssignTicket) (domain.AgentState, error) {
	if !t.Exists() {
		return domain.AgentState{}, ErrNotFound
	}
	if c.Auto {
		if h.d.Router == nil {
			return domain.AgentState{}, fmt.Errorf("%w: automatic assignment is not enabled here", ErrUnavailable)
		}
		a, err := h.d.Router.Pick(ctx, t.State())
		if errors.Is(err, ErrNotFound) {
			return domain.AgentState{}, ErrNoAgentAvailable
		}
		return a, err
	}
	a, err := LoadAgent(ctx, h.d.Store, c.AgentID)
	if errors.Is(err, ErrNotFound) {
		return domain.AgentState{}, invalidField("agent_id", "no agent has this id")
	}
	return a, err
}

// LoadAgent reads an agent's current state from its stream.
func LoadAgent(ctx context.Context, store EventStore, id uuid.UUID) (domain.AgentState, error) {
	recs, err := store.ReadStream(ctx, AgentStream(id))
	if err != nil {
		return domain.AgentState{}, err
	}
	a, err := FoldAgent(recs)
	if err != nil {
		return domain.AgentState{}, err
	}
	if !a.Exists() {
		return domain.AgentState{}, ErrNotFound
	}
	return a.State(), nil
}
