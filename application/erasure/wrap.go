package erasure

import (
	"fmt"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
)

// Wrap encrypts a data key with a key-encryption key (AES-256-GCM, a random nonce, the
// key id as additional data): a key store that shares its storage with others (a table)
// keeps keys wrapped with a key derived from the server key, so a dump of the table
// alone opens no customer's data.
func Wrap(kek []byte, id uuid.UUID, key []byte) ([]byte, error) {
	aead, err := gcm(kek)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := randRead(nonce); err != nil {
		return nil, fmt.Errorf("erasure: nonce: %w", err)
	}
	return aead.Seal(nonce, nonce, key, id[:]), nil
}

// Unwrap is Wrap undone; a key wrapped with another key-encryption key (the server key
// changed) or for another id does not unwrap.
func Unwrap(kek []byte, id uuid.UUID, wrapped []byte) ([]byte, error) {
	aead, err := gcm(kek)
	if err != nil {
		return nil, err
	}
	if len(wrapped) < aead.NonceSize() {
		return nil, fmt.Errorf("%w: wrapped key %s is malformed", application.ErrInvalid, id)
	}
	key, err := aead.Open(nil, wrapped[:aead.NonceSize()], wrapped[aead.NonceSize():], id[:])
	if err != nil || len(key) != KeySize {
		return nil, fmt.Errorf("%w: the data key of %s does not unwrap with this server key", application.ErrInvalid, id)
	}
	return key, nil
}
