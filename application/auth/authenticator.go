package auth

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/access"
	"github.com/ticketengine/ticketengine/application/eventlog"
)

// Authenticator turns bearer tokens into principals. The admin token comes from
// configuration; the others are looked up by hash and cached for a minute.
type Authenticator struct {
	store     eventlog.EventStore
	adminHash string
	mu        sync.Mutex
	cache     map[string]cachedPrincipal
}

type cachedPrincipal struct {
	p       access.Principal
	expires time.Time
}

// NewAuthenticator returns an authenticator for the bootstrap admin token.
func NewAuthenticator(store eventlog.EventStore, adminToken string) *Authenticator {
	return &Authenticator{store: store, adminHash: HashSecret(adminToken), cache: map[string]cachedPrincipal{}}
}

// Authenticate returns the token's principal, or ErrUnauthorized.
func (a *Authenticator) Authenticate(ctx context.Context, token string) (access.Principal, error) {
	if token == "" {
		return access.Principal{}, application.ErrUnauthorized
	}
	if SecretMatches(token, a.adminHash) {
		return access.Principal{Role: access.RoleAdmin}, nil
	}
	h := HashSecret(token)
	now := time.Now()
	a.mu.Lock()
	c, ok := a.cache[h]
	a.mu.Unlock()
	if ok && now.Before(c.expires) {
		return c.p, nil
	}
	recs, err := a.store.ReadStream(ctx, eventlog.TokenStreamPrefix+h)
	if err != nil {
		return access.Principal{}, err
	}
	var issued TokenIssued
	if len(recs) == 0 || recs[0].Type != TypeTokenIssued || json.Unmarshal(recs[0].Data, &issued) != nil {
		return access.Principal{}, application.ErrUnauthorized
	}
	p := access.Principal{Role: issued.Role, Subject: issued.Subject}
	a.mu.Lock()
	if len(a.cache) > 100_000 {
		a.cache = map[string]cachedPrincipal{}
	}
	a.cache[h] = cachedPrincipal{p: p, expires: now.Add(time.Minute)}
	a.mu.Unlock()
	return p, nil
}
