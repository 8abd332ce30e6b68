package api

import (
	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/cmd/internal/service"
	"github.com/ticketengine/ticketengine/cmd/internal/service/servicetest"
)

// testEveryRoute sends, through the checked client, a request to each route the other
// tests do not reach, so that every operation's answers are held to the document.
func testEveryRoute(c servicetest.Client, _ *service.Service) {
	t := c.T
	created := c.Must(201, "POST", "/tickets", servicetest.NewTicket)
	id, number, code := created.Body["id"].(string), created.Body["number"].(string), created.Body["access_code"].(string)
	agent := c.Must(201, "POST", "/agents", map[string]any{"name": "王芳", "email": "wang@example.com", "team": "support", "skills": []string{"billing"}, "capacity": 3, "language": "zh"})
	agentID := agent.Body["id"].(string)
	as := servicetest.Client{T: t, Base: c.Base, Token: agent.Body["token"].(string)}
	as.Must(200, "POST", "/agents/"+agentID+"/presence", map[string]any{"online": true})
	as.Must(403, "POST", "/agents/"+uuid.NewString()+"/presence", map[string]any{"online": true})
	// The suite runs without routing: no agent is free (409), or routing is off (503).
	if r := c.Do("POST", "/tickets/"+id+"/assign", map[string]any{"auto": true}); r.Status != 409 && r.Status != 503 {
		t.Fatalf("auto-assignment without routing: %d %s", r.Status, r.Raw)
	}
	c.Must(200, "POST", "/tickets/"+id+"/assign", map[string]any{"agent_id": agentID})
	c.Must(200, "POST", "/tickets/"+id+"/escalate", map[string]any{"team": "tier2", "reason": "needs finance"})
	c.Must(200, "GET", "/agents/"+agentID+"?min_version=1", nil)
	c.Must(404, "GET", "/agents/"+uuid.NewString(), nil)
	page := c.Must(200, "GET", "/agents?limit=1", nil)
	for n := 0; page.Body["next"] != nil && n < 10; n++ {
		page = c.Must(200, "GET", "/agents?limit=1&cursor="+page.Body["next"].(string), nil)
	}
	c.Must(200, "GET", "/queues?status=escalated&breached=false&limit=1", nil)
	c.InvalidOnPurpose().Must(422, "GET", "/queues?status=closed", nil)
	c.Must(200, "GET", "/reports/kpi?group_by=team", nil, "Accept", "text/csv")
	c.Must(200, "GET", "/tickets/"+id+"?min_version=0", nil)
	c.Must(200, "GET", "/portal/tickets/"+number+"?code="+code+"&min_version=2", nil)
	c.Must(200, "POST", "/admin/rebuild/queues", nil)
	c.Must(404, "POST", "/admin/rebuild/nothing", nil)
	c.InvalidOnPurpose().Must(400, "GET", "/queues?q=refund", nil)
	for _, path := range []string{"/healthz", "/readyz", "/metrics", "/openapi.json"} {
		servicetest.Client{T: t, Base: c.Base}.Must(200, "GET", path, nil)
	}
	// A client address that keeps failing look-ups is throttled, with Retry-After.
	customer := servicetest.Client{T: t, Base: c.Base}
	for range 20 {
		customer.Do("GET", "/portal/tickets/"+number+"?code=WRONGWRONG00", nil)
	}
	if r := customer.Must(429, "GET", "/portal/tickets/"+number+"?code="+code, nil); r.Header.Get("Retry-After") == "" {
		t.Fatalf("429 without Retry-After: %v", r.Header)
	}
}
