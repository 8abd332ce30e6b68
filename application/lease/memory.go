package lease

import (
	"context"
	"sync"
	"time"

	"github.com/ticketengine/ticketengine/application"
)

// Memory is a Store in one process: the default of a single node (embedded or memory
// event store), where the lease is always free for the one holder; and the tests'.
type Memory struct {
	clock application.Clock
	mu    sync.Mutex
	rows  map[string]memRow
}

type memRow struct {
	holder  string
	epoch   uint64
	expires time.Time
}

var _ Store = (*Memory)(nil)

// NewMemory returns an empty store on clock (the system clock when nil).
func NewMemory(clock application.Clock) *Memory {
	if clock == nil {
		clock = application.SystemClock{}
	}
	return &Memory{clock: clock, rows: map[string]memRow{}}
}

// Acquire implements Store.
func (m *Memory) Acquire(_ context.Context, name, holder string, ttl time.Duration) (uint64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.clock.Now()
	r := m.rows[name]
	if now.Before(r.expires) {
		return 0, ErrHeld
	}
	r = memRow{holder: holder, epoch: r.epoch + 1, expires: now.Add(ttl)}
	m.rows[name] = r
	return r.epoch, nil
}

// Renew implements Store.
func (m *Memory) Renew(_ context.Context, name, holder string, epoch uint64, ttl time.Duration) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.clock.Now()
	r := m.rows[name]
	if r.holder != holder || r.epoch != epoch || !now.Before(r.expires) {
		return ErrLost
	}
	r.expires = now.Add(ttl)
	m.rows[name] = r
	return nil
}

// Release implements Store.
func (m *Memory) Release(_ context.Context, name, holder string, epoch uint64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	r := m.rows[name]
	if r.holder == holder && r.epoch == epoch {
		r.expires = time.Time{}
		m.rows[name] = r
	}
	return nil
}
