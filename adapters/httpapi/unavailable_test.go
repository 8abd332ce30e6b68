package httpapi_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/ticketengine/ticketengine/application/access"
	"github.com/ticketengine/ticketengine/domain"
)

// A server state is not the request's fault: automatic assignment without a router
// answers 503 unavailable with Retry-After, not 409.
func TestAutoAssignWithoutRoutingIsUnavailable(t *testing.T) {
	e := newReadEnv(t)
	id := e.w.Receive(t, domain.TierStandard, domain.ChannelAPI, "s", "b").Ticket.ID.String()
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+"/tickets/"+id+"/assign", strings.NewReader(`{"auto":true}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+e.tokens[access.RoleAdmin])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var p struct{ Type, Detail string }
	_ = json.NewDecoder(resp.Body).Decode(&p)
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" ||
		!strings.HasSuffix(p.Type, "/unavailable") || !strings.Contains(p.Detail, "not enabled") {
		t.Errorf("auto-assign without routing: %d, Retry-After %q, %+v", resp.StatusCode, resp.Header.Get("Retry-After"), p)
	}
}
