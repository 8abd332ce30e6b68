// Package erasuretest is the conformance suite every erasure.KeyStore runs.
package erasuretest

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/erasure"
)

// Run checks a key store: a key is made once and kept (also by a second store over the
// same place, when reopen is not nil); a destroyed key is gone for good, sealed fields
// of the customer no longer open, and no new key is made for them.
func Run(t *testing.T, store erasure.KeyStore, reopen func() erasure.KeyStore) {
	ctx := context.Background()
	a, b := uuid.New(), uuid.New()
	if _, err := store.Lookup(ctx, a); !errors.Is(err, application.ErrNotFound) {
		t.Fatalf("lookup before any key: %v, want ErrNotFound", err)
	}
	ka, err := store.Key(ctx, a)
	if err != nil || len(ka) != erasure.KeySize {
		t.Fatalf("key: %d bytes, %v", len(ka), err)
	}
	kb, err := store.Key(ctx, b)
	if err != nil || bytes.Equal(ka, kb) {
		t.Fatalf("second customer's key: %v (equal to the first: %v)", err, bytes.Equal(ka, kb))
	}
	again, err := store.Key(ctx, a)
	if err != nil || !bytes.Equal(again, ka) {
		t.Fatalf("key asked twice differs (%v)", err)
	}
	sealed, err := erasure.Seal(ka, a, "chen@example.com")
	if err != nil || !erasure.Sealed(sealed) {
		t.Fatalf("seal: %q %v", sealed, err)
	}
	if reopen != nil {
		store = reopen()
	}
	k, err := store.Lookup(ctx, a)
	if err != nil {
		t.Fatalf("lookup: %v", err)
	}
	if plain, err := erasure.Open(k, a, sealed); err != nil || plain != "chen@example.com" {
		t.Fatalf("open: %q %v", plain, err)
	}
	if _, err := erasure.Open(k, b, sealed); err == nil {
		t.Fatal("a field sealed for one customer opened as another's")
	}
	for range 2 { // idempotent
		if err := store.Destroy(ctx, a); err != nil {
			t.Fatalf("destroy: %v", err)
		}
	}
	if reopen != nil {
		store = reopen()
	}
	if _, err := store.Lookup(ctx, a); !errors.Is(err, erasure.ErrErased) {
		t.Fatalf("lookup after destroy: %v, want ErrErased", err)
	}
	if _, err := store.Key(ctx, a); !errors.Is(err, erasure.ErrErased) {
		t.Fatalf("key after destroy: %v, want ErrErased (no new key for an erased customer)", err)
	}
	if k, err := store.Lookup(ctx, b); err != nil || !bytes.Equal(k, kb) {
		t.Fatalf("another customer's key after a destroy: %v", err)
	}
}
