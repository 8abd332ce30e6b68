package command

import (
	"fmt"

	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// folder is how update folds one kind of stream: an aggregate before its first
// event, and one stored record applied to it (decoding the record's data).
// The cache keeps the aggregate's state, a value, never the aggregate (a mutable
// pointer): state copies it out, restore makes a new aggregate from it.
type folder[A any] struct {
	fresh   func() A
	apply   func(A, eventlog.Record) error
	state   func(A) any
	restore func(any) (A, bool)
}

// fold replays records into a fresh aggregate.
func (f folder[A]) fold(recs []eventlog.Record) (A, error) {
	a := f.fresh()
	if err := f.applyAll(a, recs); err != nil {
		var zero A
		return zero, err
	}
	return a, nil
}

// applyAll folds further records into the aggregate, in order.
func (f folder[A]) applyAll(a A, recs []eventlog.Record) error {
	for _, r := range recs {
		if err := f.apply(a, r); err != nil {
			return err
		}
	}
	return nil
}

// ticketFolder folds ticket streams. A record that does not decode is a corrupt store,
// not a client's mistake, so its error carries no error kind.
var ticketFolder = folder[*domain.Ticket]{
	fresh: domain.NewTicket,
	state: func(t *domain.Ticket) any { return t.State() },
	restore: func(s any) (*domain.Ticket, bool) {
		st, ok := s.(domain.TicketState)
		return domain.RestoreTicket(st), ok
	},
	apply: func(t *domain.Ticket, r eventlog.Record) error {
		e, err := domain.DecodeTicketEvent(r.Type, r.Data)
		if err != nil {
			return undecodable(r, err)
		}
		t.Apply(e, r.Meta.OccurredAt)
		return nil
	},
}

// agentFolder folds agent streams.
var agentFolder = folder[*domain.Agent]{
	fresh: domain.NewAgent,
	state: func(a *domain.Agent) any { return a.State() },
	restore: func(s any) (*domain.Agent, bool) {
		st, ok := s.(domain.AgentState)
		return domain.RestoreAgent(st), ok
	},
	apply: func(a *domain.Agent, r eventlog.Record) error {
		e, err := domain.DecodeAgentEvent(r.Type, r.Data)
		if err != nil {
			return undecodable(r, err)
		}
		a.Apply(e)
		return nil
	},
}

func undecodable(r eventlog.Record, err error) error {
	return fmt.Errorf("stored event %s v%d does not decode: %v", r.Stream, r.Version, err)
}

// FoldTicket replays a ticket's records.
func FoldTicket(recs []eventlog.Record) (*domain.Ticket, error) { return ticketFolder.fold(recs) }

// FoldAgent replays an agent's records.
func FoldAgent(recs []eventlog.Record) (*domain.Agent, error) { return agentFolder.fold(recs) }
