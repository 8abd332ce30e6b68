package auth_test

import (
	"strings"
	"testing"

	"github.com/ticketengine/ticketengine/application/auth"
)

// TestPhoneKeyIsKeyed: a number's key is stable for one server key, differs between
// server keys and numbers, and does not hold the number.
func TestPhoneKeyIsKeyed(t *testing.T) {
	a, _ := auth.NewSecrets([]byte(strings.Repeat("a", 32)))
	b, _ := auth.NewSecrets([]byte(strings.Repeat("b", 32)))
	k := a.PhoneKey("+8613800001111")
	if k != a.PhoneKey("+8613800001111") || k == b.PhoneKey("+8613800001111") || k == a.PhoneKey("+8613800001112") ||
		strings.Contains(k, "13800001111") || len(k) != 64 {
		t.Fatalf("phone key %q", k)
	}
}
