package command

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/domain"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/auth"
	"github.com/ticketengine/ticketengine/application/eventlog"
)

// Deps are what command handlers share: the store, the clock, the SLA policy, the
// secret deriver, and optionally the auto-router.
type Deps struct {
	Store   eventlog.EventStore
	Clock   application.Clock
	Policy  domain.SLAPolicy
	Secrets *auth.Secrets
	// Router picks an agent for {"auto":true}; nil means auto-assignment is unavailable.
	Router AgentPicker
	// StreamCacheSize is how many streams' folded states NewCommands keeps (an LRU shared by
	// its handlers), so that a command reads and folds only the records after the cached
	// version; 0 keeps none. See streamCache.
	StreamCacheSize int

	cache *streamCache // built by NewCommands from StreamCacheSize
}

// AgentPicker chooses the agent a ticket should go to (skills, load, presence). It returns
// an error wrapping ErrNotFound when no agent can take the ticket now.
type AgentPicker interface {
	Pick(ctx context.Context, ticket domain.TicketState) (domain.AgentState, error)
}

// TicketResult is a ticket after a command.
type TicketResult struct {
	Ticket   domain.TicketState
	Appended []eventlog.Record
	Replayed bool
}

// ticketUpdate runs a decision on one existing ticket.
func ticketUpdate(ctx context.Context, d Deps, id uuid.UUID, meta CommandMeta,
	decide func(*domain.Ticket, time.Time) ([]domain.Event, error)) (TicketResult, error) {
	out, err := update(ctx, d, eventlog.TicketStream(id), meta, ticketFolder, decide)
	if err != nil {
		return TicketResult{}, err
	}
	if !out.Agg.Exists() {
		return TicketResult{}, application.ErrNotFound
	}
	return TicketResult{Ticket: out.Agg.State(), Appended: out.Appended, Replayed: out.Replayed}, nil
}
