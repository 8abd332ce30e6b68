package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ticketengine/ticketengine/adapters/web"
	"github.com/ticketengine/ticketengine/application/access"
	"github.com/ticketengine/ticketengine/domain"
)

// TestCookieSecureBehindTrustedProxy: the language cookie is Secure when the client spoke
// HTTPS, as a trusted proxy reports (X-Forwarded-Proto); the same header from a peer that
// is not trusted changes nothing. (httptest's peer is 192.0.2.1.)
func TestCookieSecureBehindTrustedProxy(t *testing.T) {
	for _, c := range []struct {
		trusted string
		secure  bool
	}{{"192.0.2.0/24", true}, {"10.0.0.0/8", false}, {"", false}} {
		proxies, err := access.ParseProxies(c.trusted)
		if err != nil {
			t.Fatal(err)
		}
		s, err := web.New(web.Options{Customers: &fakeCustomers{}, Tickets: fakeTickets{domain.StatusAssigned}, Proxies: proxies})
		if err != nil {
			t.Fatal(err)
		}
		a := do(s, http.MethodPost, "/help/lang", url.Values{"lang": {"en"}, "next": {"/help"}}, "X-Forwarded-Proto", "https")
		if got := strings.Contains(a.header.Get("Set-Cookie"), "Secure"); a.status != http.StatusSeeOther || got != c.secure {
			t.Errorf("trusting %q: %d, cookie %q, want Secure %v", c.trusted, a.status, a.header.Get("Set-Cookie"), c.secure)
		}
	}
}
