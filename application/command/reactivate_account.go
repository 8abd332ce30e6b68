package command

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// ReactivateAccount puts an account back in service, offline and without tokens: an
// admin issues new ones (POST /tokens), and the pages accept its password again.
type ReactivateAccount struct{ AccountID uuid.UUID }

// ReactivateAccountHandler handles ReactivateAccount.
type ReactivateAccountHandler struct{ s streams }

// NewReactivateAccountHandler returns the handler on its ports; it panics when store or clock is nil.
func NewReactivateAccountHandler(store eventlog.EventStore, clock application.Clock, cache *StreamCache) ReactivateAccountHandler {
	return ReactivateAccountHandler{newStreams("ReactivateAccountHandler", store, clock, cache)}
}

// Handle records StaffReactivated; an active account records nothing.
func (h ReactivateAccountHandler) Handle(ctx context.Context, c ReactivateAccount, meta CommandMeta) (domain.AgentState, error) {
	out, err := update(ctx, h.s, eventlog.AgentStream(c.AccountID), meta, agentFolder, func(a *domain.Agent, _ time.Time) ([]domain.Event, error) {
		return a.Reactivate()
	})
	if err != nil {
		return domain.AgentState{}, err
	}
	return Public(out.Agg.State()), nil
}
