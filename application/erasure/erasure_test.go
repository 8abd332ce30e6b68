package erasure_test

import (
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/erasure"
	"github.com/ticketengine/ticketengine/application/erasure/erasuretest"
)

func TestMemoryKeys(t *testing.T) { erasuretest.Run(t, erasure.NewMemoryKeys(), nil) }

// TestSealHidesAndBinds: a sealed field shows nothing of the text, differs every time
// (random nonce), opens only with its key and customer, and plain text passes through.
func TestSealHidesAndBinds(t *testing.T) {
	key, _ := erasure.NewKey()
	other, _ := erasure.NewKey()
	id := uuid.New()
	s1, err := erasure.Seal(key, id, "陈静 chen@example.com")
	if err != nil {
		t.Fatal(err)
	}
	s2, _ := erasure.Seal(key, id, "陈静 chen@example.com")
	if s1 == s2 || strings.Contains(s1, "chen") {
		t.Fatalf("sealed %q and %q", s1, s2)
	}
	if _, err := erasure.Open(other, id, s1); err == nil {
		t.Fatal("opened with another key")
	}
	if got, err := erasure.Open(key, id, "plain"); err != nil || got != "plain" {
		t.Fatalf("plain text: %q %v", got, err)
	}
	if _, err := erasure.Seal(key[:16], id, "x"); err == nil {
		t.Fatal("a 16-byte key was accepted")
	}
}
