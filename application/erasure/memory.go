package erasure

import (
	"context"
	"fmt"
	"sync"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
)

// MemoryKeys is a KeyStore in this process, for tests and the memory event store (whose
// events do not outlive the process either).
type MemoryKeys struct {
	mu     sync.Mutex
	keys   map[uuid.UUID][]byte
	erased map[uuid.UUID]bool
}

// NewMemoryKeys returns an empty key store.
func NewMemoryKeys() *MemoryKeys {
	return &MemoryKeys{keys: map[uuid.UUID][]byte{}, erased: map[uuid.UUID]bool{}}
}

// Key implements KeyStore.
func (m *MemoryKeys) Key(_ context.Context, customer uuid.UUID) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if k, ok, err := m.held(customer); ok || err != nil {
		return k, err
	}
	k, err := NewKey()
	if err != nil {
		return nil, err
	}
	m.keys[customer] = k
	return k, nil
}

// Lookup implements KeyStore.
func (m *MemoryKeys) Lookup(_ context.Context, customer uuid.UUID) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if k, ok, err := m.held(customer); ok || err != nil {
		return k, err
	}
	return nil, fmt.Errorf("%w: no key for customer %s", application.ErrNotFound, customer)
}

// held returns the customer's key when there is one (ok), ErrErased when it was
// destroyed. The caller holds m.mu.
func (m *MemoryKeys) held(customer uuid.UUID) (key []byte, ok bool, err error) {
	if m.erased[customer] {
		return nil, false, ErrErased
	}
	k, ok := m.keys[customer]
	return k, ok, nil
}

// Destroy implements KeyStore.
func (m *MemoryKeys) Destroy(_ context.Context, customer uuid.UUID) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.keys, customer)
	m.erased[customer] = true
	return nil
}
