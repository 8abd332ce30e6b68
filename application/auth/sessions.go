package auth

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
)

// Sessions are the desk's signed-in browsers: a session is a random 256-bit id the
// browser holds in a cookie, stored here only as its SHA-256 (HashSecret), so a copy of
// the store opens no session. A session ends at sign-out, after Idle without use, after
// Absolute whatever the use, and when its account is deactivated (EndAll).
type Sessions interface {
	// Start opens a session for the account and returns its id (the cookie's value).
	Start(ctx context.Context, account uuid.UUID) (string, error)
	// Account is the account of a live session, and marks it used; ErrUnauthorized when
	// the id is unknown, ended or expired.
	Account(ctx context.Context, id string) (uuid.UUID, error)
	// End ends one session (sign-out); an unknown id is not an error.
	End(ctx context.Context, id string) error
	// EndAll ends every session of the account (deactivation).
	EndAll(ctx context.Context, account uuid.UUID) error
}

// Session lifetimes: a working day without use ends it, a week ends it anyway.
const (
	SessionIdle     = 12 * time.Hour
	SessionAbsolute = 7 * 24 * time.Hour
)

// MemorySessions keeps sessions in this process: a restart signs everyone out, and
// sessions are not shared between machines. The builder uses it only where nothing is
// shared; with PostgreSQL the sessions live there (adapters/session/pgsessions).
type MemorySessions struct {
	Idle, Absolute time.Duration
	Now            func() time.Time

	mu       sync.Mutex
	sessions map[string]*memorySession
}

type memorySession struct {
	account           uuid.UUID
	started, lastUsed time.Time
}

// NewMemorySessions returns an empty store with the default lifetimes.
func NewMemorySessions() *MemorySessions {
	return &MemorySessions{Idle: SessionIdle, Absolute: SessionAbsolute, Now: time.Now, sessions: map[string]*memorySession{}}
}

// NewSessionID is a new session's id: 32 random bytes, base64url (43 characters). Every
// store makes its ids here and keeps only their HashSecret.
func NewSessionID() (string, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(raw), nil
}

// Start implements Sessions.
func (m *MemorySessions) Start(_ context.Context, account uuid.UUID) (string, error) {
	id, err := NewSessionID()
	if err != nil {
		return "", err
	}
	now := m.Now()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sweep(now)
	m.sessions[HashSecret(id)] = &memorySession{account: account, started: now, lastUsed: now}
	return id, nil
}

// Account implements Sessions.
func (m *MemorySessions) Account(_ context.Context, id string) (uuid.UUID, error) {
	now := m.Now()
	h := HashSecret(id)
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.sessions[h]
	if !ok || m.expired(s, now) {
		delete(m.sessions, h)
		return uuid.Nil, application.ErrUnauthorized
	}
	s.lastUsed = now
	return s.account, nil
}

// End implements Sessions.
func (m *MemorySessions) End(_ context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.sessions, HashSecret(id))
	return nil
}

// EndAll implements Sessions.
func (m *MemorySessions) EndAll(_ context.Context, account uuid.UUID) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for h, s := range m.sessions {
		if s.account == account {
			delete(m.sessions, h)
		}
	}
	return nil
}

func (m *MemorySessions) expired(s *memorySession, now time.Time) bool {
	return now.Sub(s.lastUsed) >= m.Idle || now.Sub(s.started) >= m.Absolute
}

// sweep drops expired sessions, so abandoned ones do not pile up (called under mu, on
// Start: the store grows only there).
func (m *MemorySessions) sweep(now time.Time) {
	for h, s := range m.sessions {
		if m.expired(s, now) {
			delete(m.sessions, h)
		}
	}
}
