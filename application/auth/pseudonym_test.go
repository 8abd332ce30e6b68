package auth_test

import (
	"bytes"
	"regexp"
	"testing"

	"github.com/ticketengine/ticketengine/application/auth"
)

// TestClientPseudonym: a client's pseudonym is stable under one server key, differs
// between addresses and between keys, and is not the unkeyed digest an older version
// logged (which anyone could compute for every IPv4 address).
func TestClientPseudonym(t *testing.T) {
	a, _ := auth.NewSecrets(bytes.Repeat([]byte("k"), 32))
	b, _ := auth.NewSecrets(bytes.Repeat([]byte("j"), 32))
	p := a.ClientPseudonym("203.0.113.7")
	if !regexp.MustCompile(`^web-[0-9a-f]{16}$`).MatchString(p) {
		t.Fatalf("the form: %q", p)
	}
	if again := a.ClientPseudonym("203.0.113.7"); again != p {
		t.Fatalf("not stable: %q then %q", p, again)
	}
	if a.ClientPseudonym("203.0.113.8") == p || b.ClientPseudonym("203.0.113.7") == p {
		t.Fatal("another address or another key gives the same pseudonym")
	}
	if p == "web-"+auth.HashSecret("portal-client:203.0.113.7")[:16] {
		t.Fatal("the pseudonym is the unkeyed digest")
	}
	if e := auth.EphemeralSecrets(); e.ClientPseudonym("x") != e.ClientPseudonym("x") || e.ClientPseudonym("x") == auth.EphemeralSecrets().ClientPseudonym("x") {
		t.Fatal("ephemeral secrets: stable within one, random between two")
	}
}
