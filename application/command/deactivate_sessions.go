package command

import (
	"context"
	"fmt"

	"github.com/google/uuid"
)

// SessionEnder ends every desk session of an account (auth.Sessions.EndAll): in a shared
// store (PostgreSQL), on every node at once.
type SessionEnder interface {
	EndAll(ctx context.Context, account uuid.UUID) error
}

// WithSessions is the handler that also ends the account's desk sessions, wherever the
// deactivation comes from (the API, the desk's admin page).
func (h DeactivateAccountHandler) WithSessions(s SessionEnder) DeactivateAccountHandler {
	h.sessions = s
	return h
}

func (h DeactivateAccountHandler) endSessions(ctx context.Context, account uuid.UUID) error {
	if h.sessions == nil {
		return nil
	}
	if err := h.sessions.EndAll(ctx, account); err != nil {
		return fmt.Errorf("desk sessions of %s: %w", account, err)
	}
	return nil
}
