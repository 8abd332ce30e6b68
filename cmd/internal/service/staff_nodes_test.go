package service_test

import (
	"strings"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/cmd/internal/service"
)

// TestRevocationReachesSecondNode: two ticketd on one PostgreSQL event store (each with
// its own in-memory read models). A token used on both is revoked on the first: it
// answers 401 there from the next request, and on the second within the contract's 2 s
// (each node reads a token's stream again after auth.CacheTTL). The lag is measured by
// polling up to a deadline, and logged.
func TestRevocationReachesSecondNode(t *testing.T) {
	dsn := freshPostgresSchema(t)
	cfg := func() service.Config {
		return service.Config{EventStore: dsn, Data: t.TempDir(), SecretKey: strings.Repeat("5e", 32), AdminToken: "adm_two_nodes_0123456789"}
	}
	a, _ := startService(t, cfg())
	b, _ := startService(t, cfg())
	issued := a.must(201, "POST", "/tokens", map[string]any{"role": "analyst", "subject": "bi"})
	id, tok := issued.Body["id"].(string), issued.Body["token"].(string)
	onA, onB := client{t: t, base: a.base, token: tok}, client{t: t, base: b.base, token: tok}
	onA.must(200, "GET", "/agents", nil)
	onB.must(200, "GET", "/agents", nil) // now cached on the second node
	b.must(200, "GET", "/tokens", nil)

	a.must(204, "DELETE", "/tokens/"+id, nil)
	revoked := time.Now()
	onA.must(401, "GET", "/agents", nil)
	deadline := revoked.Add(2 * time.Second)
	for onB.do("GET", "/agents", nil).Status != 401 {
		if time.Now().After(deadline) {
			t.Fatalf("the revoked token still works on the second node after 2 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("revocation reached the second node after %v", time.Since(revoked).Round(time.Millisecond))

	// Deactivation on the second node reaches the first the same way.
	agent := a.must(201, "POST", "/agents", map[string]any{"name": "李娜", "email": "li.na@example.com", "capacity": 2})
	agentOnA := client{t: t, base: a.base, token: agent.Body["token"].(string)}
	agentOnA.must(200, "GET", "/agents", nil)
	b.must(200, "POST", "/agents/"+agent.Body["id"].(string)+"/deactivate", nil)
	deactivated := time.Now()
	for agentOnA.do("GET", "/agents", nil).Status != 401 {
		if time.Now().After(deactivated.Add(2 * time.Second)) {
			t.Fatalf("a deactivated agent's token still works on the other node after 2 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
