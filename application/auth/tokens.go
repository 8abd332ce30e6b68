package auth

import (
	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/access"
)

// TypeTokenIssued is the event of a token-<sha256> stream. The stream is named by the
// token's hash, so authenticating is one stream read, consistent on every store.
const TypeTokenIssued = "TokenIssued"

// TokenIssued records a token by role and subject; the token itself is never stored.
type TokenIssued struct {
	TokenID uuid.UUID   `json:"token_id"`
	Role    access.Role `json:"role"`
	Subject string      `json:"subject"`
}
