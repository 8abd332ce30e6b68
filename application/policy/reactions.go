package policy

import (
	"context"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// What the engine does with a live record once folded (handle), and on catching up
// (reconcileAll): the rules, then routing; every command it issues is the system's.

// handle folds one live record, then reacts to it.
func (e *Engine) handle(ctx context.Context, r eventlog.Record) error {
	id, err := e.fold(ctx, r)
	if err != nil || !e.leading.Load() {
		return err
	}
	if id != uuid.Nil {
		if e.applyRules(ctx, id) {
			return nil // the rule's events come back through the subscription
		}
		e.route(ctx, id)
	}
	if frees(r.Type) {
		e.routeWaiting(ctx)
	}
	return nil
}

// frees tells the events after which an agent may have room (or appeared).
func frees(eventType string) bool {
	switch eventType {
	case domain.TypeAgentWentOnline, domain.TypeAgentRegistered, domain.TypeTicketResolved, domain.TypeTicketClosed,
		domain.TypeTicketEscalated, domain.TypeTicketAssigned, domain.TypeTicketAwaitingCustomer:
		return true
	}
	return false
}

func (e *Engine) reconcileAll(ctx context.Context) {
	e.mu.Lock()
	var ids []uuid.UUID
	for id, tv := range e.v.tickets {
		if tv.t.State().Status.Open() {
			ids = append(ids, id)
		}
	}
	e.mu.Unlock()
	for _, id := range ids {
		e.applyRules(ctx, id)
	}
	e.routeWaiting(ctx)
}

// systemMeta is the metadata of a system command caused by the ticket's latest event.
func (e *Engine) systemMeta(id uuid.UUID, rule string) (command.CommandMeta, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	tv := e.v.tickets[id]
	if tv == nil || tv.t.State().Version < 0 {
		return command.CommandMeta{}, false
	}
	return command.CommandMeta{Actor: command.SystemActor, Rule: rule, LeaseEpoch: e.epoch.Load(),
		CausationID: tv.last.ID.String(), CorrelationID: tv.last.Meta.CorrelationID}, true
}
