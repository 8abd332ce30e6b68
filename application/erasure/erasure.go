// Package erasure is the seam of crypto-shredding, the way a customer's personal data is
// to be erased (a request under PIPL or GDPR) without breaking the event log's hash
// chain: each customer record gets a data key kept outside the event log (KeyStore),
// personal fields of that customer's events are stored sealed with it (Seal), the chain
// hashes the sealed text, and destroying the key (KeyStore.Destroy) leaves ciphertext
// nobody can open while every hash still verifies. docs/AUDIT.md ("Erasure") says what
// is wired today and what is not.
package erasure

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
)

// KeySize is the size of a data key: AES-256.
const KeySize = 32

// ErrErased is what opening a field answers once its customer's key is destroyed.
var ErrErased = errors.New("erasure: the customer's data key is destroyed")

// KeyStore keeps one data key per customer record, outside the event log.
type KeyStore interface {
	// Key returns the customer's key, making one on first use. It returns ErrErased for a
	// customer whose key was destroyed: erased customers never get a new key, so data
	// sealed after an erasure cannot appear under the old id.
	Key(ctx context.Context, customer uuid.UUID) ([]byte, error)
	// Lookup returns the customer's key without making one: ErrErased when destroyed,
	// application.ErrNotFound when there never was one.
	Lookup(ctx context.Context, customer uuid.UUID) ([]byte, error)
	// Destroy erases the customer's key for good (idempotent).
	Destroy(ctx context.Context, customer uuid.UUID) error
}

// sealedPrefix marks a sealed field, so a reader tells it from plain text (events
// written before sealing, or fields that are never sealed).
const sealedPrefix = "pii1:"

// NewKey returns a fresh random data key.
func NewKey() ([]byte, error) {
	k := make([]byte, KeySize)
	if _, err := rand.Read(k); err != nil {
		return nil, fmt.Errorf("erasure: new key: %w", err)
	}
	return k, nil
}

// Seal encrypts a personal field with the customer's key (AES-256-GCM, a random nonce),
// bound to the customer's id: a sealed field moved to another customer's event does not open.
func Seal(key []byte, customer uuid.UUID, plain string) (string, error) {
	aead, err := gcm(key)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := randRead(nonce); err != nil {
		return "", fmt.Errorf("erasure: nonce: %w", err)
	}
	out := aead.Seal(nonce, nonce, []byte(plain), customer[:])
	return sealedPrefix + base64.RawStdEncoding.EncodeToString(out), nil
}

// Sealed reports whether a field is sealed.
func Sealed(field string) bool { return strings.HasPrefix(field, sealedPrefix) }

// Open decrypts a sealed field; a field that is not sealed is returned as it is.
func Open(key []byte, customer uuid.UUID, field string) (string, error) {
	rest, ok := strings.CutPrefix(field, sealedPrefix)
	if !ok {
		return field, nil
	}
	aead, err := gcm(key)
	if err != nil {
		return "", err
	}
	raw, err := base64.RawStdEncoding.DecodeString(rest)
	if err != nil || len(raw) < aead.NonceSize() {
		return "", fmt.Errorf("%w: sealed field is malformed", application.ErrInvalid)
	}
	plain, err := aead.Open(nil, raw[:aead.NonceSize()], raw[aead.NonceSize():], customer[:])
	if err != nil {
		return "", fmt.Errorf("%w: sealed field does not open with this key", application.ErrInvalid)
	}
	return string(plain), nil
}

func gcm(key []byte) (cipher.AEAD, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("erasure: a key is %d bytes, not %d", KeySize, len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// randRead fills b with random bytes (crypto/rand).
var randRead = rand.Read
