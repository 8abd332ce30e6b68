package command

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/access"
	"github.com/ticketengine/ticketengine/application/auth"
	"github.com/ticketengine/ticketengine/application/eventlog"
)

// IssueToken mints a bearer token for a role (admin only). ExpiresIn, when not zero, is
// how long the token lives.
type IssueToken struct {
	Role      access.Role
	Subject   string
	ExpiresIn time.Duration
}

// IssuedToken is the answer: the token is shown only here.
type IssuedToken struct {
	ID        uuid.UUID
	Token     string
	ExpiresAt *time.Time
}

// MaxTokenLifetime bounds expires_in (ten years).
const MaxTokenLifetime = 10 * 365 * 24 * time.Hour

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

// AgentTokenID is the id of the token POST /agents mints for the agent: derived from the
// agent's id, so a retry finds it, and deactivation can revoke it without a read model.
func AgentTokenID(agentID string) uuid.UUID { return derivedID("agent-token", agentID) }

// Handle validates the role, the subject (an agent's id for an agent token; an active
// account's) and the lifetime, and issues the token.
func (h IssueTokenHandler) Handle(ctx context.Context, c IssueToken, meta CommandMeta) (IssuedToken, error) {
	switch c.Role {
	case access.RoleSupervisor, access.RoleAuditor, access.RoleAnalyst, access.RoleAgent:
	default:
		return IssuedToken{}, invalidField("role", "must be one of supervisor, auditor, analyst, agent")
	}
	if len(c.Subject) > 200 {
		return IssuedToken{}, invalidField("subject", "is at most 200 characters")
	}
	if c.ExpiresIn < 0 || c.ExpiresIn > MaxTokenLifetime {
		return IssuedToken{}, invalidField("expires_in", "must be a positive Go duration of at most 87600h")
	}
	if err := h.checkSubject(ctx, c); err != nil {
		return IssuedToken{}, err
	}
	tokenID := uuid.New()
	if meta.IdempotencyKey != "" {
		tokenID = derivedID("token", meta.Actor, meta.IdempotencyKey)
	}
	var expires *time.Time
	if c.ExpiresIn > 0 {
		at := eventlog.Truncate(h.clock.Now().Add(c.ExpiresIn))
		expires = &at
	}
	return h.issue(ctx, tokenID, c.Role, c.Subject, expires, meta)
}

// checkSubject: an agent token names an agent; a token naming an account (by its id)
// needs the account active.
func (h IssueTokenHandler) checkSubject(ctx context.Context, c IssueToken) error {
	id, perr := uuid.Parse(c.Subject)
	if perr != nil {
		if c.Role == access.RoleAgent {
			return invalidField("subject", "an agent token's subject is the agent's id")
		}
		return nil
	}
	a, err := LoadAgent(ctx, h.store, id)
	switch {
	case errors.Is(err, application.ErrNotFound) && c.Role == access.RoleAgent:
		return invalidField("subject", "no agent has this id")
	case errors.Is(err, application.ErrNotFound):
		return nil
	case err != nil:
		return err
	case !a.Active():
		return invalidField("subject", "the account is deactivated")
	}
	return nil
}

// issue appends TokenIssued unless the same token was issued already (a retry).
func (h IssueTokenHandler) issue(ctx context.Context, tokenID uuid.UUID, role access.Role, subject string, expires *time.Time, meta CommandMeta) (IssuedToken, error) {
	token := h.secrets.Token(tokenID)
	stream := eventlog.TokenStreamPrefix + auth.HashSecret(token)
	data, _ := json.Marshal(auth.TokenIssued{TokenID: tokenID, Role: role, Subject: subject, ExpiresAt: expires})
	recs, err := newRecords(stream, eventlog.NoStream, "", []string{auth.TypeTokenIssued}, [][]byte{data}, meta, h.clock.Now())
	if err != nil {
		return IssuedToken{}, err
	}
	_, err = h.store.Append(ctx, stream, eventlog.NoStream, recs)
	if errors.Is(err, eventlog.ErrWrongExpectedVersion) {
		// A retry: answer with what the first request recorded.
		existing, rerr := h.store.ReadStream(ctx, stream)
		var first auth.TokenIssued
		if rerr == nil && len(existing) > 0 && json.Unmarshal(existing[0].Data, &first) == nil {
			expires = first.ExpiresAt
		}
	} else if err != nil {
		return IssuedToken{}, fmt.Errorf("issue token: %w", err)
	}
	return IssuedToken{ID: tokenID, Token: token, ExpiresAt: expires}, nil
}
