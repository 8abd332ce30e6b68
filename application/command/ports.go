package command

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/auth"
	"github.com/ticketengine/ticketengine/application/erasure"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// streams is what every handler needs to run a command on a stream (stream_update.go):
// the event store, the clock, and the stream cache it shares with the other handlers of
// its Commands set (nil: no cache).
type streams struct {
	store eventlog.EventStore
	clock application.Clock
	cache *StreamCache
	// keys seal the personal fields of the events appended (seal.go): set when the store
	// opens what it reads (erasure.OpeningStore), so a command sees plain text after its
	// append as before it; nil stores them as they are.
	keys erasure.KeyStore
}

// newStreams refuses a nil store or clock: a handler wired without them is a programming
// error, better found when the process starts than at its first command.
func newStreams(handler string, store eventlog.EventStore, clock application.Clock, cache *StreamCache) streams {
	if store == nil {
		panic("command." + handler + ": nil event store")
	}
	if clock == nil {
		panic("command." + handler + ": nil clock")
	}
	s := streams{store: store, clock: clock, cache: cache}
	if o, ok := store.(*erasure.OpeningStore); ok {
		s.keys = o.Open.Keys
	}
	return s
}

// mustSecrets refuses a nil secret deriver, as newStreams refuses a nil store.
func mustSecrets(handler string, secrets *auth.Secrets) *auth.Secrets {
	if secrets == nil {
		panic("command." + handler + ": nil secrets")
	}
	return secrets
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
func ticketUpdate(ctx context.Context, s streams, id uuid.UUID, meta CommandMeta,
	decide func(*domain.Ticket, time.Time) ([]domain.Event, error)) (TicketResult, error) {
	out, err := update(ctx, s, eventlog.TicketStream(id), meta, ticketFolder, decide)
	if err != nil {
		return TicketResult{}, err
	}
	if !out.Agg.Exists() {
		return TicketResult{}, application.ErrNotFound
	}
	return TicketResult{Ticket: out.Agg.State(), Appended: out.Appended, Replayed: out.Replayed}, nil
}
