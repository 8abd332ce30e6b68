package erasure

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
)

// KeyTTL is how long CachedKeys trusts a key it looked up. Within one process an erasure
// (Destroy through the cache) takes effect at once; in another process sharing the key
// store (PostgreSQL, EventStoreDB deployments) it takes effect within KeyTTL.
const KeyTTL = time.Minute

// CachedKeys is a KeyStore in front of another that remembers keys for KeyTTL: opening
// is per read (every record that holds a sealed field), and a key store on files or in a
// table would otherwise be asked once per field.
type CachedKeys struct {
	inner KeyStore
	now   func() time.Time
	mu    sync.Mutex
	keys  map[uuid.UUID]cachedKey
}

type cachedKey struct {
	key    []byte
	err    error // ErrErased, or application.ErrNotFound
	expiry time.Time
}

// maxCachedKeys bounds the cache: past it, the cache starts over (keys are cheap to load).
const maxCachedKeys = 100_000

// NewCachedKeys returns a cache in front of inner.
func NewCachedKeys(inner KeyStore) *CachedKeys {
	return &CachedKeys{inner: inner, now: time.Now, keys: map[uuid.UUID]cachedKey{}}
}

var _ KeyStore = (*CachedKeys)(nil)

func (c *CachedKeys) cached(id uuid.UUID) (cachedKey, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	k, ok := c.keys[id]
	return k, ok && c.now().Before(k.expiry)
}

func (c *CachedKeys) remember(id uuid.UUID, key []byte, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.keys) >= maxCachedKeys {
		c.keys = map[uuid.UUID]cachedKey{}
	}
	c.keys[id] = cachedKey{key: key, err: err, expiry: c.now().Add(KeyTTL)}
}

// Key implements KeyStore.
func (c *CachedKeys) Key(ctx context.Context, id uuid.UUID) ([]byte, error) {
	if k, ok := c.cached(id); ok && (k.key != nil || errors.Is(k.err, ErrErased)) {
		return k.key, k.err
	}
	key, err := c.inner.Key(ctx, id)
	if err == nil || errors.Is(err, ErrErased) {
		c.remember(id, key, err)
	}
	return key, err
}

// Lookup implements KeyStore.
func (c *CachedKeys) Lookup(ctx context.Context, id uuid.UUID) ([]byte, error) {
	if k, ok := c.cached(id); ok {
		return k.key, k.err
	}
	key, err := c.inner.Lookup(ctx, id)
	if err == nil || errors.Is(err, ErrErased) || errors.Is(err, application.ErrNotFound) {
		c.remember(id, key, err)
	}
	return key, err
}

// Destroy implements KeyStore: the key is forgotten here at once.
func (c *CachedKeys) Destroy(ctx context.Context, id uuid.UUID) error {
	err := c.inner.Destroy(ctx, id)
	c.mu.Lock()
	defer c.mu.Unlock()
	if err == nil {
		c.keys[id] = cachedKey{err: ErrErased, expiry: c.now().Add(KeyTTL)}
	} else {
		delete(c.keys, id)
	}
	return err
}
