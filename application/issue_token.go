package application

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/google/uuid"
)

// TypeTokenIssued is the event of a token-<sha256> stream. The stream is named by the
// token's hash, so authenticating is one stream read, consistent on every store.
const TypeTokenIssued = "TokenIssued"

// TokenIssued records a token by role and subject; the token itself is never stored.
type TokenIssued struct {
	TokenID uuid.UUID `json:"token_id"`
	Role    Role      `json:"role"`
	Subject string    `json:"subject"`
}

// IssueToken mints a bearer token for a role (admin only).
type IssueToken struct {
	Role    Role
	Subject string
}

// IssueTokenHandler handles IssueToken.
type IssueTokenHandler struct{ d Deps }

// NewIssueTokenHandler returns the handler.
func NewIssueTokenHandler(d Deps) IssueTokenHandler { return IssueTokenHandler{d} }

// Handle validates the role and issues the token.
func (h IssueTokenHandler) Handle(ctx context.Context, c IssueToken, meta CommandMeta) (string, error) {
	switch c.Role {
	case RoleSupervisor, RoleAuditor, RoleAnalyst, RoleAgent:
	default:
		return "", invalidField("role", "must be one of supervisor, auditor, analyst, agent")
	}
	if len(c.Subject) > 200 {
		return "", invalidField("subject", "is at most 200 characters")
	}
	if c.Role == RoleAgent {
		id, err := uuid.Parse(c.Subject)
		if err != nil {
			return "", invalidField("subject", "an agent token's subject is the agent's id")
		}
		if _, err := LoadAgent(ctx, h.d.Store, id); err != nil {
			if errors.Is(err, ErrNotFound) {
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
func (h IssueTokenHandler) issue(ctx context.Context, tokenID uuid.UUID, role Role, subject string, meta CommandMeta) (string, error) {
	token := h.d.Secrets.Token(tokenID)
	stream := TokenStreamPrefix + HashSecret(token)
	data, _ := json.Marshal(TokenIssued{TokenID: tokenID, Role: role, Subject: subject})
	recs, err := newRecords(stream, NoStream, "", []string{TypeTokenIssued}, [][]byte{data}, meta, h.d.Clock.Now())
	if err != nil {
		return "", err
	}
	if _, err := h.d.Store.Append(ctx, stream, NoStream, recs); err != nil && !errors.Is(err, ErrWrongExpectedVersion) {
		return "", fmt.Errorf("issue token: %w", err)
	}
	return token, nil
}
