package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"

	"github.com/google/uuid"
)

// ClientPseudonym is the subject of a self-service request from a client address
// (customer:web-<16 hex>, docs/API-NOTES.md): an HMAC-SHA-256 of the address keyed with a
// key derived from the server key. It scopes idempotency keys and anonymous uploads per
// client while the address never enters the event log; unlike an unkeyed hash, it cannot
// be reversed by trying all IPv4 addresses without the server key, and once the server
// key changes no new pseudonym links to an old one.
func (s *Secrets) ClientPseudonym(addr string) string {
	m := hmac.New(sha256.New, s.mac("portal-client-pseudonym", uuid.Nil))
	m.Write([]byte(addr))
	return "web-" + hex.EncodeToString(m.Sum(nil))[:16]
}

// PhoneKey is the keyed digest a normalized phone number (domain.NormalizePhone) is
// reserved and a phone-only customer record's id derived by (domain.CustomerRecordIDOf):
// as for ClientPseudonym, a plain hash of a number could be reversed by trying every
// number, and the record id stays in the event log after the customer is erased. Every
// node derives the same key from the shared server key.
func (s *Secrets) PhoneKey(normalized string) string {
	m := hmac.New(sha256.New, s.mac("customer-phone", uuid.Nil))
	m.Write([]byte(normalized))
	return hex.EncodeToString(m.Sum(nil))
}

// EphemeralSecrets derives from a random key that lives as long as the process: for an
// adapter built without the server's Secrets (tests), whose pseudonyms need only be
// stable while it runs.
func EphemeralSecrets() *Secrets {
	key := make([]byte, 32)
	_, _ = rand.Read(key) // crypto/rand.Read never fails on supported platforms
	return &Secrets{key: key}
}
