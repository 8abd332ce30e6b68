package erasure

import (
	"crypto/cipher"
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
)

// sealed2Prefix marks a self-describing sealed field: "pii2:<key id>:<base64>". The field
// names the key that opens it (a customer record's id, or a ticket's own id, see
// docs/AUDIT.md "Erasure"), so one generic opener opens any event without knowing its
// type. The additional data is the key id and the stream the field was written to: a
// sealed field copied into another stream (another customer's ticket) does not open.
const sealed2Prefix = "pii2:"

// sealed2Len is the length of "pii2:<uuid>:".
const sealed2Len = len(sealed2Prefix) + 36 + 1

// SealIn encrypts a personal field of an event of stream with the key keyID names.
func SealIn(key []byte, keyID uuid.UUID, stream, plain string) (string, error) {
	aead, err := gcm(key)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := randRead(nonce); err != nil {
		return "", fmt.Errorf("erasure: nonce: %w", err)
	}
	out := aead.Seal(nonce, nonce, []byte(plain), aad2(keyID, stream))
	return sealed2Prefix + keyID.String() + ":" + base64.RawStdEncoding.EncodeToString(out), nil
}

// aad2 binds a field to its key and its stream.
func aad2(keyID uuid.UUID, stream string) []byte {
	return append(append(keyID[:0:0], keyID[:]...), stream...)
}

// KeyOf returns the key a sealed field names: for "pii2:" its key id; for "pii1:" (the
// first format, written only in customer-<id> streams) the record of the stream.
func KeyOf(stream, field string) (uuid.UUID, bool) {
	if rest, ok := strings.CutPrefix(field, sealed2Prefix); ok {
		if len(rest) < 37 || rest[36] != ':' {
			return uuid.Nil, false
		}
		id, err := uuid.Parse(rest[:36])
		return id, err == nil
	}
	if Sealed(field) {
		id, err := uuid.Parse(strings.TrimPrefix(stream, "customer-"))
		return id, err == nil && strings.HasPrefix(stream, "customer-")
	}
	return uuid.Nil, false
}

// OpenIn decrypts a field sealed in stream with key (the key KeyOf names); a field that
// is not sealed is returned as it is.
func OpenIn(key []byte, stream, field string) (string, error) {
	id, ok := KeyOf(stream, field)
	if !ok {
		if IsSealed(field) {
			return "", fmt.Errorf("%w: sealed field is malformed", application.ErrInvalid)
		}
		return field, nil
	}
	if !strings.HasPrefix(field, sealed2Prefix) {
		return Open(key, id, field)
	}
	aead, err := gcm(key)
	if err != nil {
		return "", err
	}
	return open2(aead, id, stream, field)
}

// open2 opens a "pii2:" field with the AEAD of the key it names.
func open2(aead cipher.AEAD, id uuid.UUID, stream, field string) (string, error) {
	rest := field[len(sealed2Prefix):]
	raw, err := base64.RawStdEncoding.DecodeString(rest[37:])
	if err != nil || len(raw) < aead.NonceSize() {
		return "", fmt.Errorf("%w: sealed field is malformed", application.ErrInvalid)
	}
	plain, err := aead.Open(nil, raw[:aead.NonceSize()], raw[aead.NonceSize():], aad2(id, stream))
	if err != nil {
		return "", fmt.Errorf("%w: sealed field does not open with this key in this stream", application.ErrInvalid)
	}
	return string(plain), nil
}

// IsSealed reports whether a field is sealed, in either format.
func IsSealed(field string) bool {
	return strings.HasPrefix(field, sealed2Prefix) || strings.HasPrefix(field, sealedPrefix)
}
