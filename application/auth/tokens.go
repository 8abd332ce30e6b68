package auth

import (
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/access"
)

// Event types of a token-<sha256> stream. The stream is named by the token's hash, so
// authenticating is one stream read, consistent on every store.
const (
	TypeTokenIssued  = "TokenIssued"
	TypeTokenRevoked = "TokenRevoked"
)

// TokenIssued records a token by role and subject; the token itself is never stored.
// ExpiresAt is absent for a token that does not expire (every token issued before
// expiry existed).
type TokenIssued struct {
	TokenID   uuid.UUID   `json:"token_id"`
	Role      access.Role `json:"role"`
	Subject   string      `json:"subject"`
	ExpiresAt *time.Time  `json:"expires_at,omitempty"`
}

// TokenRevoked ends a token: from this event on it answers 401.
type TokenRevoked struct {
	TokenID uuid.UUID `json:"token_id"`
	Reason  string    `json:"reason,omitempty"`
}

// EventType names the events for the projections that read token streams.
func (TokenIssued) EventType() string  { return TypeTokenIssued }
func (TokenRevoked) EventType() string { return TypeTokenRevoked }
