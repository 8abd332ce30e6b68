package command

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// ticketCommand is a command that changes one existing ticket and differs from the other
// such commands only in the domain decision it calls: the ticket it names, and decide.
// A command that can be refused on its own, before its ticket is read, also has a
// validate() error method (see validator).
type ticketCommand interface {
	ticket() uuid.UUID
	decide(t *domain.Ticket, d decision) ([]domain.Event, error)
}

// validator is the optional check of a ticketCommand's own fields.
type validator interface {
	validate() error
}

// decision is what a ticket command may decide on besides the ticket: the time of the
// decision, the command's metadata (the rule that issued it), and the SLA policy its
// handler was built with.
type decision struct {
	now    time.Time
	meta   CommandMeta
	policy domain.SLAPolicy
}

// TicketHandler handles every command of type C: one handler shape serves all the ticket
// commands (ticket_commands.go), so that the read, fold, decide and append around their
// decision is written once, in ticketUpdate.
type TicketHandler[C ticketCommand] struct {
	s      streams
	policy domain.SLAPolicy
}

// newTicketHandler refuses a nil store or clock, naming the handler after C (as
// "command.RateTicketHandler"). The policy is the zero policy for commands that use none.
func newTicketHandler[C ticketCommand](store eventlog.EventStore, clock application.Clock, cache *StreamCache, policy domain.SLAPolicy) TicketHandler[C] {
	var c C
	name := strings.TrimPrefix(fmt.Sprintf("%T", c), "command.") + "Handler"
	return TicketHandler[C]{s: newStreams(name, store, clock, cache), policy: policy}
}

// Handle validates the command, then runs its decision on its ticket.
func (h TicketHandler[C]) Handle(ctx context.Context, c C, meta CommandMeta) (TicketResult, error) {
	if v, ok := any(c).(validator); ok {
		if err := v.validate(); err != nil {
			return TicketResult{}, err
		}
	}
	return ticketUpdate(ctx, h.s, c.ticket(), meta, func(t *domain.Ticket, now time.Time) ([]domain.Event, error) {
		return c.decide(t, decision{now: now, meta: meta, policy: h.policy})
	})
}
