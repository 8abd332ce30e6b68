package application

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/google/uuid"
)

// Role is what a bearer token may do.
type Role string

// Roles of API.md.
const (
	RoleAdmin      Role = "admin"
	RoleSupervisor Role = "supervisor"
	RoleAgent      Role = "agent"
	RoleAuditor    Role = "auditor"
	RoleAnalyst    Role = "analyst"
)

// Principal is who a request acts as.
type Principal struct {
	Role    Role
	Subject string // the agent's id for agents; free text (a name, a system) otherwise
}

// Actor is how the principal appears in event metadata.
func (p Principal) Actor() string {
	if p.Subject == "" {
		return string(p.Role)
	}
	return string(p.Role) + ":" + p.Subject
}

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

// Authenticator turns bearer tokens into principals. The admin token comes from
// configuration; the others are looked up by hash and cached for a minute.
type Authenticator struct {
	store     EventStore
	adminHash string
	mu        sync.Mutex
	cache     map[string]cachedPrincipal
}

type cachedPrincipal struct {
	p       Principal
	expires time.Time
}

// NewAuthenticator returns an authenticator for the bootstrap admin token.
func NewAuthenticator(store EventStore, adminToken string) *Authenticator {
	return &Authenticator{store: store, adminHash: HashSecret(adminToken), cache: map[string]cachedPrincipal{}}
}

// Authenticate returns the token's principal, or ErrUnauthorized.
func (a *Authenticator) Authenticate(ctx context.Context, token string) (Principal, error) {
	if token == "" {
		return Principal{}, ErrUnauthorized
	}
	if SecretMatches(token, a.adminHash) {
		return Principal{Role: RoleAdmin}, nil
	}
	h := HashSecret(token)
	now := time.Now()
	a.mu.Lock()
	c, ok := a.cache[h]
	a.mu.Unlock()
	if ok && now.Before(c.expires) {
		return c.p, nil
	}
	recs, err := a.store.ReadStream(ctx, TokenStreamPrefix+h)
	if err != nil {
		return Principal{}, err
	}
	var issued TokenIssued
	if len(recs) == 0 || recs[0].Type != TypeTokenIssued || json.Unmarshal(recs[0].Data, &issued) != nil {
		return Principal{}, ErrUnauthorized
	}
	p := Principal{Role: issued.Role, Subject: issued.Subject}
	a.mu.Lock()
	if len(a.cache) > 100_000 {
		a.cache = map[string]cachedPrincipal{}
	}
	a.cache[h] = cachedPrincipal{p: p, expires: now.Add(time.Minute)}
	a.mu.Unlock()
	return p, nil
}
