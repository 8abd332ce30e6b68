package command

import (
	"fmt"
	"time"

	"github.com/google/uuid"

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
	// keys names the keys the personal fields of new events are sealed with (seal.go);
	// nil for aggregates whose events hold none.
	keys func(A, []domain.Event) (record, own uuid.UUID)
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

// folderOf builds the folder of one kind of aggregate from the domain's own functions:
// its empty aggregate, the aggregate a state restores, how a stored event decodes and how
// an event applies (at the time it occurred). A record that does not decode is a corrupt
// store, not a client's mistake, so its error carries no error kind.
func folderOf[A interface{ State() S }, S any](fresh func() A, restore func(S) A,
	decode func(eventType string, data []byte) (domain.Event, error), apply func(A, domain.Event, time.Time)) folder[A] {
	return folder[A]{
		fresh: fresh,
		state: func(a A) any { return a.State() },
		restore: func(s any) (A, bool) {
			st, ok := s.(S)
			return restore(st), ok
		},
		apply: func(a A, r eventlog.Record) error {
			e, err := decode(r.Type, r.Data)
			if err != nil {
				return undecodable(r, err)
			}
			apply(a, e, r.Meta.OccurredAt)
			return nil
		},
	}
}

// ticketFolder folds ticket streams.
var ticketFolder = func() folder[*domain.Ticket] {
	f := folderOf(domain.NewTicket, domain.RestoreTicket, domain.DecodeTicketEvent, (*domain.Ticket).Apply)
	f.keys = ticketKeys
	return f
}()

// agentFolder folds agent streams; an agent's events do not depend on their time.
var agentFolder = folderOf(domain.NewAgent, domain.RestoreAgent, domain.DecodeAgentEvent,
	func(a *domain.Agent, e domain.Event, _ time.Time) { a.Apply(e) })

func undecodable(r eventlog.Record, err error) error {
	return fmt.Errorf("stored event %s v%d does not decode: %v", r.Stream, r.Version, err)
}

// FoldTicket replays a ticket's records.
func FoldTicket(recs []eventlog.Record) (*domain.Ticket, error) { return ticketFolder.fold(recs) }

// FoldAgent replays an agent's records.
func FoldAgent(recs []eventlog.Record) (*domain.Agent, error) { return agentFolder.fold(recs) }
