package service_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/ticketengine/ticketengine/cmd/internal/service"
)

// TestClientsBehindATrustedProxy: ticketd behind a load balancer at 127.0.0.2
// (--trusted-proxies) limits each client it forwards on its own, by X-Forwarded-For or
// Forwarded, on the API and the pages alike; a peer that is not trusted is limited as
// itself, whatever forwarding header it writes.
func TestClientsBehindATrustedProxy(t *testing.T) {
	c, _ := startService(t, service.Config{EventStore: "memory:", Data: t.TempDir(), TrustedProxies: "127.0.0.2/32, ::1/128"})
	proxy := c.fromAddr("127.0.0.2")
	proxy.invalid = true
	const lookUp = "/portal/tickets/TK-NONE?code=WRONG"
	for range 20 {
		proxy.must(http.StatusNotFound, http.MethodGet, lookUp, nil, "X-Forwarded-For", "198.51.100.1")
	}
	proxy.must(http.StatusTooManyRequests, http.MethodGet, lookUp, nil, "X-Forwarded-For", "198.51.100.1")
	proxy.must(http.StatusTooManyRequests, http.MethodGet, lookUp, nil, "Forwarded", `for="198.51.100.1:4711";proto=https`)
	// A spoofed left-most entry does not get the client out: the proxy appended the truth.
	proxy.must(http.StatusTooManyRequests, http.MethodGet, lookUp, nil, "X-Forwarded-For", "203.0.113.9, 198.51.100.1")
	if status := pageVia(t, proxy, "/help/tickets/TK-NONE?code=WRONG", "198.51.100.1"); status != http.StatusTooManyRequests {
		t.Fatalf("the page for the limited client behind the proxy: %d", status)
	}
	// Another client behind the same proxy, and the proxy itself, are not limited.
	if status := pageVia(t, proxy, "/help/tickets/TK-NONE?code=WRONG", "198.51.100.2"); status != http.StatusNotFound {
		t.Fatalf("the page for another client behind the proxy: %d", status)
	}
	proxy.must(http.StatusNotFound, http.MethodGet, lookUp, nil, "X-Forwarded-For", "198.51.100.2")
	proxy.must(http.StatusNotFound, http.MethodGet, lookUp, nil)

	// An untrusted peer: its headers are ignored, so changing them does not help.
	direct := c.fromAddr("127.0.0.3")
	direct.invalid = true
	for i := range 20 {
		direct.must(http.StatusNotFound, http.MethodGet, lookUp, nil, "X-Forwarded-For", "192.0.2."+string(rune('1'+i%9)))
	}
	direct.must(http.StatusTooManyRequests, http.MethodGet, lookUp, nil, "X-Forwarded-For", "192.0.2.200")
	direct.must(http.StatusTooManyRequests, http.MethodGet, lookUp, nil, "Forwarded", "for=192.0.2.201")
}

// pageVia gets a help-center page (outside the OpenAPI contract) through c's connection,
// with the X-Forwarded-For a proxy would add.
func pageVia(t *testing.T, c client, path, forwardedFor string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Forwarded-For", forwardedFor)
	res, err := c.hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// TestLookUpBudgetSharedByNodes: two ticketd on one PostgreSQL keep the portal's counts
// in it (rate_counters), so 20 failed look-ups spread over both lock the client out on
// both, while another client is still served.
func TestLookUpBudgetSharedByNodes(t *testing.T) {
	dsn := freshPostgresSchema(t)
	cfg := func() service.Config {
		return service.Config{EventStore: dsn, Data: t.TempDir(), SecretKey: strings.Repeat("5e", 32), AdminToken: "adm_two_nodes_0123456789"}
	}
	a, _ := startService(t, cfg())
	b, _ := startService(t, cfg())
	const lookUp = "/portal/tickets/TK-NONE?code=WRONG"
	onA, onB := a.fromAddr("127.0.0.5"), b.fromAddr("127.0.0.5")
	onA.invalid, onB.invalid = true, true
	for i := range 20 {
		[]client{onA, onB}[i%2].must(http.StatusNotFound, http.MethodGet, lookUp, nil)
	}
	onA.must(http.StatusTooManyRequests, http.MethodGet, lookUp, nil)
	onB.must(http.StatusTooManyRequests, http.MethodGet, lookUp, nil)
	if status, _, _ := page(t, http.MethodGet, b.base+"/help/tickets/TK-NONE?code=WRONG", nil); status != http.StatusNotFound {
		t.Fatalf("another client (127.0.0.1) on the second node: %d", status)
	}
}
