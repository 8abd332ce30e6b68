package service_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/ticketengine/ticketengine/cmd/internal/service"
	"github.com/ticketengine/ticketengine/cmd/internal/service/servicetest"
)

// TestClientsBehindATrustedProxy: ticketd behind a load balancer at 127.0.0.2
// (--trusted-proxies) limits each client it forwards on its own, by X-Forwarded-For or
// Forwarded, on the API and the pages alike; a peer that is not trusted is limited as
// itself, whatever forwarding header it writes.
func TestClientsBehindATrustedProxy(t *testing.T) {
	c, _ := servicetest.StartService(t, service.Config{EventStore: "memory:", Data: t.TempDir(), TrustedProxies: "127.0.0.2/32, ::1/128"})
	proxy := c.FromAddr("127.0.0.2")
	proxy.Invalid = true
	const lookUp = "/portal/tickets/TK-NONE?code=WRONG"
	for range 20 {
		proxy.Must(http.StatusNotFound, http.MethodGet, lookUp, nil, "X-Forwarded-For", "198.51.100.1")
	}
	proxy.Must(http.StatusTooManyRequests, http.MethodGet, lookUp, nil, "X-Forwarded-For", "198.51.100.1")
	proxy.Must(http.StatusTooManyRequests, http.MethodGet, lookUp, nil, "Forwarded", `for="198.51.100.1:4711";proto=https`)
	// A spoofed left-most entry does not get the client out: the proxy appended the truth.
	proxy.Must(http.StatusTooManyRequests, http.MethodGet, lookUp, nil, "X-Forwarded-For", "203.0.113.9, 198.51.100.1")
	if status := pageVia(t, proxy, "/help/tickets/TK-NONE?code=WRONG", "198.51.100.1"); status != http.StatusTooManyRequests {
		t.Fatalf("the page for the limited client behind the proxy: %d", status)
	}
	// Another client behind the same proxy, and the proxy itself, are not limited.
	if status := pageVia(t, proxy, "/help/tickets/TK-NONE?code=WRONG", "198.51.100.2"); status != http.StatusNotFound {
		t.Fatalf("the page for another client behind the proxy: %d", status)
	}
	proxy.Must(http.StatusNotFound, http.MethodGet, lookUp, nil, "X-Forwarded-For", "198.51.100.2")
	proxy.Must(http.StatusNotFound, http.MethodGet, lookUp, nil)

	// An untrusted peer: its headers are ignored, so changing them does not help.
	direct := c.FromAddr("127.0.0.3")
	direct.Invalid = true
	for i := range 20 {
		direct.Must(http.StatusNotFound, http.MethodGet, lookUp, nil, "X-Forwarded-For", "192.0.2."+string(rune('1'+i%9)))
	}
	direct.Must(http.StatusTooManyRequests, http.MethodGet, lookUp, nil, "X-Forwarded-For", "192.0.2.200")
	direct.Must(http.StatusTooManyRequests, http.MethodGet, lookUp, nil, "Forwarded", "for=192.0.2.201")
}

// pageVia gets a help-center page (outside the OpenAPI contract) through c's connection,
// with the X-Forwarded-For a proxy would add.
func pageVia(t *testing.T, c servicetest.Client, path, forwardedFor string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.Base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Forwarded-For", forwardedFor)
	res, err := c.HC.Do(req)
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
	dsn := servicetest.FreshPostgresSchema(t)
	cfg := func() service.Config {
		return service.Config{EventStore: dsn, Data: t.TempDir(), SecretKey: strings.Repeat("5e", 32), AdminToken: "adm_two_nodes_0123456789"}
	}
	a, _ := servicetest.StartService(t, cfg())
	b, _ := servicetest.StartService(t, cfg())
	const lookUp = "/portal/tickets/TK-NONE?code=WRONG"
	onA, onB := a.FromAddr("127.0.0.5"), b.FromAddr("127.0.0.5")
	onA.Invalid, onB.Invalid = true, true
	for i := range 20 {
		[]servicetest.Client{onA, onB}[i%2].Must(http.StatusNotFound, http.MethodGet, lookUp, nil)
	}
	onA.Must(http.StatusTooManyRequests, http.MethodGet, lookUp, nil)
	onB.Must(http.StatusTooManyRequests, http.MethodGet, lookUp, nil)
	if status, _, _ := servicetest.Page(t, http.MethodGet, b.Base+"/help/tickets/TK-NONE?code=WRONG", nil); status != http.StatusNotFound {
		t.Fatalf("another client (127.0.0.1) on the second node: %d", status)
	}
}
