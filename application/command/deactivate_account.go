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

// TokensOf finds the tokens issued for a subject (the tokens read model).
type TokensOf interface {
	TokensOf(ctx context.Context, subject string) ([]uuid.UUID, error)
}

// DeactivateAccount takes an account out of service.
type DeactivateAccount struct {
	AccountID uuid.UUID
	Reason    string
}

// DeactivationReason is recorded on the tickets a deactivation hands back.
const DeactivationReason = "account deactivated"

// DeactivateAccountHandler handles DeactivateAccount.
type DeactivateAccountHandler struct {
	s       streams
	tokens  TokensOf // nil: only the agent's own token (AgentTokenID) is revoked
	revoke  RevokeTokenHandler
	release ReleaseAgentTicketsHandler
	// sessions ends the account's desk sessions (deactivate_sessions.go); nil: the desk
	// ends them at their next request, when it finds the account inactive.
	sessions SessionEnder
}

// NewDeactivateAccountHandler returns the handler on its ports; it panics when one but
// the cache and tokens is nil.
func NewDeactivateAccountHandler(store eventlog.EventStore, clock application.Clock, cache *StreamCache,
	revoke RevokeTokenHandler, release ReleaseAgentTicketsHandler) DeactivateAccountHandler {
	return DeactivateAccountHandler{s: newStreams("DeactivateAccountHandler", store, clock, cache), revoke: revoke, release: release}
}

// WithFinders is the handler with the read models that find the account's tokens and
// tickets (built after the read side).
func (h DeactivateAccountHandler) WithFinders(tokens TokensOf, tickets AssignedTickets) DeactivateAccountHandler {
	h.tokens = tokens
	h.release = h.release.WithTickets(tickets)
	return h
}

// Handle records StaffDeactivated (the agent goes offline), revokes the account's tokens,
// ends its desk sessions, and hands its open tickets back to the team queue (ReleaseAgentTickets). Every step is
// idempotent, so a retry after a failure half-way completes the rest.
func (h DeactivateAccountHandler) Handle(ctx context.Context, c DeactivateAccount, meta CommandMeta) (domain.AgentState, error) {
	out, err := update(ctx, h.s, eventlog.AgentStream(c.AccountID), meta, agentFolder, func(a *domain.Agent, _ time.Time) ([]domain.Event, error) {
		return a.Deactivate(c.Reason)
	})
	if err != nil {
		return domain.AgentState{}, err
	}
	if err := h.revokeTokens(ctx, c.AccountID, meta); err != nil {
		return domain.AgentState{}, err
	}
	if err := h.endSessions(ctx, c.AccountID); err != nil {
		return domain.AgentState{}, err
	}
	if out.Agg.State().RoleOf() == domain.RoleAgent {
		if _, err := h.release.Handle(ctx, ReleaseAgentTickets{AgentID: c.AccountID, Reason: DeactivationReason}, meta); err != nil {
			return domain.AgentState{}, err
		}
	}
	return Public(out.Agg.State()), nil
}

func (h DeactivateAccountHandler) revokeTokens(ctx context.Context, id uuid.UUID, meta CommandMeta) error {
	ids := []uuid.UUID{AgentTokenID(id.String())}
	if h.tokens != nil {
		more, err := h.tokens.TokensOf(ctx, id.String())
		if err != nil {
			return fmt.Errorf("tokens of %s: %w", id, err)
		}
		ids = append(ids, more...)
	}
	m := meta
	m.IdempotencyKey, m.RequestHash, m.ExpectedVersion = "", "", nil
	for _, t := range ids {
		err := h.revoke.Handle(ctx, RevokeToken{TokenID: t, Reason: DeactivationReason}, m)
		if err != nil && !errors.Is(err, application.ErrNotFound) {
			return err
		}
	}
	h.revoke.forgetCached()
	return nil
}
