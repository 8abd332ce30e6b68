package command

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/access"
	"github.com/ticketengine/ticketengine/application/auth"
	"github.com/ticketengine/ticketengine/application/eventlog"
)

// IssueToken mints a bearer token for a role (admin only).
type IssueToken struct {
	Role    access.Role
	Subject string
}

// IssueTokenHandler handles IssueToken.
type IssueTokenHandler struct {
	store   eventlog.EventStore
	clock   application.Clock
	secrets *auth.Secrets
}

// NewIssueTokenHandler returns the handler on its ports; it panics when one is nil.
func NewIssueTokenHandler(store eventlog.EventStore, clock application.Clock, secrets *auth.Secrets) IssueTokenHandler {
	s := newStreams("IssueTokenHandler", store, clock, nil)
	return IssueTokenHandler{store: s.store, clock: s.clock, secrets: mustSecrets("IssueTokenHandler", secrets)}
}

// Handle validates the role and issues the token.
func (h IssueTokenHandler) Handle(ctx context.Context, c IssueToken, meta CommandMeta) (string, error) {
	switch c.Role {
	case access.RoleSupervisor, access.RoleAuditor, access.RoleAnalyst, access.RoleAgent:
	default:
		return "", invalidField("role", "must be one of supervisor, auditor, analyst, agent")
	}
	if len(c.Subject) > 200 {
		return "", invalidField("subject", "is at most 200 characters")
	}
	if c.Role == access.RoleAgent {
		id, err := uuid.Parse(c.Subject)
		if err != nil {
			return "", invalidField("subject", "an agent token's subject is the agent's id")
		}
		if _, err := LoadAgent(ctx, h.store, id); err != nil {
			if errors.Is(err, application.ErrNotFound) {
				return "", invalidField("subject", "no agent has this id")
			}
			return "", err
		}
	}
	tokenID := uuid.New()
	if meta.IdempotencyKey != "" {
		tokenID = derivedID("token", meta.Actor, meta.IdempotencyKey)
	}
	return h.issue(ctx, tokenID, c.Role, c.Subject, meta)
}

// issue appends TokenIssued unless the same token was issued already (a retry).
func (h IssueTokenHandler) issue(ctx context.Context, tokenID uuid.UUID, role access.Role, subject string, meta CommandMeta) (string, error) {
	token := h.secrets.Token(tokenID)
	stream := eventlog.TokenStreamPrefix + auth.HashSecret(token)
	data, _ := json.Marshal(auth.TokenIssued{TokenID: tokenID, Role: role, Subject: subject})
	recs, err := newRecords(stream, eventlog.NoStream, "", []string{auth.TypeTokenIssued}, [][]byte{data}, meta, h.clock.Now())
	if err != nil {
		return "", err
	}
	if _, err := h.store.Append(ctx, stream, eventlog.NoStream, recs); err != nil && !errors.Is(err, eventlog.ErrWrongExpectedVersion) {
		return "", fmt.Errorf("issue token: %w", err)
	}
	return token, nil
}
