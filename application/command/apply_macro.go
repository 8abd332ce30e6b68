package command

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// ApplyMacro applies a macro to a ticket (POST /tickets/{id}/macros/{macro_id}): its
// public reply in the customer's language and its changes, appended together at one
// expected version, or nothing. Attachments go with the reply: uploads resolved and
// claimed by the caller (application/attachments.Service.Attach), as for any reply.
type ApplyMacro struct {
	TicketID    uuid.UUID
	MacroID     uuid.UUID
	Attachments []domain.Attachment
}

// ApplyMacroHandler handles ApplyMacro.
type ApplyMacroHandler struct {
	s      streams
	policy domain.SLAPolicy
}

// NewApplyMacroHandler returns the handler on its ports; it panics when store or clock is nil.
func NewApplyMacroHandler(store eventlog.EventStore, clock application.Clock, cache *StreamCache, policy domain.SLAPolicy) ApplyMacroHandler {
	return ApplyMacroHandler{s: newStreams("ApplyMacroHandler", store, clock, cache), policy: policy}
}

// Handle reads the macro, then decides and appends on the ticket's stream. The macro is
// read once, before the ticket: a retry after a lost race applies the same macro.
func (h ApplyMacroHandler) Handle(ctx context.Context, c ApplyMacro, meta CommandMeta) (TicketResult, error) {
	lib, err := LoadMacros(ctx, h.s.store)
	if err != nil {
		return TicketResult{}, err
	}
	m, ok := lib.Macro(c.MacroID)
	if !ok {
		return TicketResult{}, fmt.Errorf("%w: no macro has the id %s", application.ErrNotFound, c.MacroID)
	}
	agent, err := h.actorName(ctx, meta.Actor)
	if err != nil {
		return TicketResult{}, err
	}
	return ticketUpdate(ctx, h.s, c.TicketID, meta, func(t *domain.Ticket, now time.Time) ([]domain.Event, error) {
		name := agent
		if name == "" {
			name = t.State().AssigneeName
		}
		return t.ApplyMacro(m, name, now, h.policy, c.Attachments...)
	})
}

// actorName is the name {{agent.name}} fills in: the applying agent's; "" for another
// actor (an admin or supervisor token), which then signs with the ticket's assignee.
func (h ApplyMacroHandler) actorName(ctx context.Context, actor string) (string, error) {
	rest, ok := strings.CutPrefix(actor, "agent:")
	if !ok {
		return "", nil
	}
	id, err := uuid.Parse(rest)
	if err != nil {
		return "", nil
	}
	a, err := LoadAgent(ctx, h.s.store, id)
	if errors.Is(err, application.ErrNotFound) {
		return "", nil
	}
	return a.Name, err
}
