package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
)

// Secrets derives the secrets the engine hands out (a ticket's access code, bearer tokens)
// from a server key and an id. Derivation, rather than storing a random value, lets an
// idempotent replay of POST /tickets or POST /agents return the same secret the first
// response did, while the event store keeps only SHA-256 hashes of them.
type Secrets struct {
	key []byte
}

// NewSecrets returns a deriver for a key of at least 32 bytes.
func NewSecrets(key []byte) (*Secrets, error) {
	if len(key) < 32 {
		return nil, fmt.Errorf("%w: the server key must be at least 32 bytes", application.ErrConfig)
	}
	return &Secrets{key: append([]byte(nil), key...)}, nil
}

// crockford is base32 without I, L, O and U: easy to read out on the phone.
var crockford = base32.NewEncoding("0123456789ABCDEFGHJKMNPQRSTVWXYZ").WithPadding(base32.NoPadding)

func (s *Secrets) mac(purpose string, id uuid.UUID) []byte {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(purpose))
	m.Write(id[:])
	return m.Sum(nil)
}

// AccessCode is the customer's code for a ticket: 12 characters, about 60 bits.
func (s *Secrets) AccessCode(ticketID uuid.UUID) string {
	return crockford.EncodeToString(s.mac("access-code:", ticketID))[:12]
}

// ConfirmToken is the token of the link that confirms a self-service ticket's address:
// 26 characters, about 130 bits. It goes only into the mail to that address, never into
// the answer to POST /portal/tickets, so whoever opened the ticket (perhaps with someone
// else's email) cannot confirm it without reading that mailbox.
func (s *Secrets) ConfirmToken(ticketID uuid.UUID) string {
	return crockford.EncodeToString(s.mac("confirm-address:", ticketID))[:26]
}

// ConfirmTokenMatches compares a presented confirmation token in constant time.
func (s *Secrets) ConfirmTokenMatches(ticketID uuid.UUID, presented string) bool {
	want := s.ConfirmToken(ticketID)
	return subtle.ConstantTimeCompare([]byte(NormalizeAccessCode(presented)), []byte(want)) == 1
}

// Token is a bearer token for the token with this id.
func (s *Secrets) Token(tokenID uuid.UUID) string {
	return "tk_" + strings.ToLower(crockford.EncodeToString(s.mac("token:", tokenID))[:40])
}

// HashSecret is how access codes and tokens are stored: hex SHA-256.
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// SecretMatches compares a presented secret with a stored hash in constant time.
func SecretMatches(presented, storedHash string) bool {
	h := HashSecret(presented)
	return subtle.ConstantTimeCompare([]byte(h), []byte(storedHash)) == 1
}

// NewTicketNumber returns a random, human-typable ticket number such as TK-7F3K9Q.
// Uniqueness is enforced by reserving it in the event store, not by its length.
func NewTicketNumber() string {
	var b [4]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return "TK-" + crockford.EncodeToString(b[:])[:6]
}

// NormalizeTicketNumber accepts what a customer types: any case, O for 0, I/L for 1.
func NormalizeTicketNumber(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	return misread.Replace(strings.Replace(s, "TK-", "", 1))
}

// NormalizeAccessCode accepts an access code as a customer types it, the way ticket
// numbers are: any case, O for 0, I/L for 1, and hyphens and spaces (which Crockford
// allows for readability) ignored. Codes are compared only after this.
func NormalizeAccessCode(s string) string {
	return codeMisread.Replace(strings.ToUpper(s))
}

// misread maps the letters Crockford's alphabet leaves out to the digits they are read as.
var (
	misread     = strings.NewReplacer("O", "0", "I", "1", "L", "1")
	codeMisread = strings.NewReplacer("O", "0", "I", "1", "L", "1", "-", "", " ", "")
)

// KeyWrappingKey is the key that wraps the customers' data keys in a shared key store
// (application/erasure.Wrap): derived from the server key, so it changes with it.
func (s *Secrets) KeyWrappingKey() []byte { return s.mac("customer-data-keys", uuid.Nil) }
