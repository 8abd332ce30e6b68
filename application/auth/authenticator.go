package auth

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/access"
	"github.com/ticketengine/ticketengine/application/eventlog"
)

// CacheTTL is how long a token's principal is trusted without reading its stream again.
// A revocation (TokenRevoked in the token's stream) holds at once on the node that
// appended it (Forget) and, on every other node on the same store, once this has passed:
// the contract allows 2 s. Reading the stream again is how every node follows
// revocations; it survives restarts because the revocation is an event.
const CacheTTL = time.Second

// usageEvery is how often a token's last use is written down at most.
const usageEvery = time.Minute

// UsageRecorder keeps when tokens were last used (the read-model store's token usage).
// It is called at most once a minute per token per node, on the request's path.
type UsageRecorder interface {
	RecordTokenUse(ctx context.Context, id uuid.UUID, at time.Time) error
}

// Authenticator turns bearer tokens into principals. The admin token comes from
// configuration; the others are looked up by hash and cached for CacheTTL.
type Authenticator struct {
	store     eventlog.EventStore
	adminHash string
	mu        sync.Mutex
	cache     map[string]cachedPrincipal
	lastUsed  map[uuid.UUID]time.Time
	now       func() time.Time
	usage     UsageRecorder // nil: uses are not recorded
}

type cachedPrincipal struct {
	p       access.Principal
	id      uuid.UUID
	expires time.Time
}

// NewAuthenticator returns an authenticator for the bootstrap admin token.
func NewAuthenticator(store eventlog.EventStore, adminToken string) *Authenticator {
	return &Authenticator{store: store, adminHash: HashSecret(adminToken), cache: map[string]cachedPrincipal{},
		lastUsed: map[uuid.UUID]time.Time{}, now: time.Now}
}

// Authenticate returns the token's principal, or ErrUnauthorized for an unknown,
// revoked or expired token.
func (a *Authenticator) Authenticate(ctx context.Context, token string) (access.Principal, error) {
	if token == "" {
		return access.Principal{}, application.ErrUnauthorized
	}
	if SecretMatches(token, a.adminHash) {
		return access.Principal{Role: access.RoleAdmin}, nil
	}
	h := HashSecret(token)
	now := a.now()
	a.mu.Lock()
	c, ok := a.cache[h]
	a.mu.Unlock()
	if !ok || !now.Before(c.expires) {
		var err error
		if c, err = a.load(ctx, h, now); err != nil {
			return access.Principal{}, err
		}
	}
	a.used(ctx, c.id, now)
	return c.p, nil
}

// load reads the token's stream: its TokenIssued, and a TokenRevoked if there is one.
func (a *Authenticator) load(ctx context.Context, h string, now time.Time) (cachedPrincipal, error) {
	recs, err := a.store.ReadStream(ctx, eventlog.TokenStreamPrefix+h)
	if err != nil {
		return cachedPrincipal{}, err
	}
	var issued TokenIssued
	if len(recs) == 0 || recs[0].Type != TypeTokenIssued || json.Unmarshal(recs[0].Data, &issued) != nil {
		return cachedPrincipal{}, application.ErrUnauthorized
	}
	for _, r := range recs[1:] {
		if r.Type == TypeTokenRevoked {
			return cachedPrincipal{}, application.ErrUnauthorized
		}
	}
	expires := now.Add(CacheTTL)
	if issued.ExpiresAt != nil {
		if !now.Before(*issued.ExpiresAt) {
			return cachedPrincipal{}, application.ErrUnauthorized
		}
		if issued.ExpiresAt.Before(expires) {
			expires = *issued.ExpiresAt
		}
	}
	c := cachedPrincipal{p: access.Principal{Role: issued.Role, Subject: issued.Subject}, id: issued.TokenID, expires: expires}
	a.mu.Lock()
	if len(a.cache) > 100_000 {
		a.cache = map[string]cachedPrincipal{}
	}
	a.cache[h] = c
	a.mu.Unlock()
	return c, nil
}

// used records the token's use, at most once a minute per token (not an event per
// request). Usage is a statistic: a store that fails to record it does not fail the
// request, and the next use a minute later tries again.
func (a *Authenticator) used(ctx context.Context, id uuid.UUID, now time.Time) {
	if id == uuid.Nil || a.usage == nil {
		return
	}
	a.mu.Lock()
	last, ok := a.lastUsed[id]
	due := !ok || now.Sub(last) >= usageEvery
	if due {
		if len(a.lastUsed) > 100_000 {
			a.lastUsed = map[uuid.UUID]time.Time{}
		}
		a.lastUsed[id] = now
	}
	a.mu.Unlock()
	if due {
		_ = a.usage.RecordTokenUse(ctx, id, now.UTC().Truncate(time.Millisecond))
	}
}

// WithUsage makes the authenticator record token uses in u (built after the read side).
func (a *Authenticator) WithUsage(u UsageRecorder) *Authenticator {
	a.usage = u
	return a
}

// Forget drops every cached principal, so that a revocation or a deactivation appended
// by this node holds from its next request on.
func (a *Authenticator) Forget() {
	a.mu.Lock()
	a.cache = map[string]cachedPrincipal{}
	a.mu.Unlock()
}

// WithClock makes the authenticator judge expiry and the cache by now (tests' clocks).
func (a *Authenticator) WithClock(now func() time.Time) *Authenticator {
	a.now = now
	return a
}
