package api

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/ticketengine/ticketengine/cmd/internal/service"
	"github.com/ticketengine/ticketengine/cmd/internal/service/servicetest"
)

// Run runs every API behaviour against one configuration: cfg gives a fresh, empty
// store each time it is called (each behaviour starts a service of its own).
func Run(t *testing.T, cfg func(t *testing.T) service.Config) {
	t.Run("Lifecycle", func(t *testing.T) { testLifecycle(servicetest.StartService(t, cfg(t))) })
	t.Run("Problems", func(t *testing.T) { testProblems(servicetest.StartService(t, cfg(t))) })
	t.Run("RacingIfMatch", func(t *testing.T) { testRacingIfMatch(servicetest.StartService(t, cfg(t))) })
	t.Run("Idempotency", func(t *testing.T) { testIdempotency(servicetest.StartService(t, cfg(t))) })
	t.Run("Roles", func(t *testing.T) { testRoles(servicetest.StartService(t, cfg(t))) })
	t.Run("EveryRoute", func(t *testing.T) { testEveryRoute(servicetest.StartService(t, cfg(t))) })
	t.Run("Conversation", func(t *testing.T) { testConversation(servicetest.StartService(t, cfg(t))) })
	t.Run("TicketList", func(t *testing.T) { testTicketList(servicetest.StartService(t, cfg(t))) })
	t.Run("Customers", func(t *testing.T) { testCustomers(servicetest.StartService(t, cfg(t))) })
	t.Run("SelfService", func(t *testing.T) { testSelfService(servicetest.StartService(t, cfg(t))) })
	t.Run("Attachments", func(t *testing.T) { testAttachments(t, cfg) })
	t.Run("HelpCenterFiles", func(t *testing.T) { testHelpCenterFiles(servicetest.StartService(t, cfg(t))) })
	t.Run("Staff", func(t *testing.T) { testStaff(servicetest.StartService(t, cfg(t))) })
	t.Run("Deactivation", func(t *testing.T) { testDeactivation(servicetest.StartService(t, cfg(t))) })
	t.Run("Tokens", func(t *testing.T) { testTokens(servicetest.StartService(t, cfg(t))) })
	t.Run("Tags", func(t *testing.T) { testTags(servicetest.StartService(t, cfg(t))) })
	t.Run("Macros", func(t *testing.T) { testMacros(servicetest.StartService(t, cfg(t))) })
	t.Run("NPSReport", func(t *testing.T) { testNPSReport(servicetest.StartService(t, cfg(t))) })
}

func testLifecycle(c servicetest.Client, _ *service.Service) {
	t := c.T
	created := c.Must(201, "POST", "/tickets", servicetest.NewTicket)
	id, number, code := created.Body["id"].(string), created.Body["number"].(string), created.Body["access_code"].(string)
	if created.Header.Get("Location") != "/tickets/"+id || created.Header.Get("ETag") != `"0"` || created.Body["status"] != "received" {
		t.Fatalf("receive answered %v %s", created.Header, created.Raw)
	}
	agent := c.Must(201, "POST", "/agents", map[string]any{"name": "刘洋", "email": "liu@example.com", "team": "support", "skills": []string{"billing"}, "capacity": 5})
	agentID := agent.Body["id"].(string)
	agentClient := servicetest.Client{T: t, Base: c.Base, Token: agent.Body["token"].(string)}
	steps := []struct {
		path   string
		body   any
		status string
	}{
		{"/classify", map[string]any{"category": "billing", "priority": "P1"}, "classified"},
		{"/assign", map[string]any{"agent_id": agentID}, "assigned"},
		{"/replies", map[string]any{"body": "我们正在处理", "public": true}, "assigned"},
		{"/replies", map[string]any{"body": "internal: check ledger", "public": false}, "assigned"},
		{"/wait", map[string]any{"reason": "need the order number"}, "waiting"},
	}
	for i, s := range steps {
		r := agentClient.Must(200, "POST", "/tickets/"+id+s.path, s.body)
		if r.Body["status"] != s.status || r.Body["version"] != float64(i+1) || r.Header.Get("ETag") != fmt.Sprintf(`"%d"`, i+1) {
			t.Fatalf("step %s: %s", s.path, r.Raw)
		}
	}
	customer := servicetest.Client{T: t, Base: c.Base}
	r := customer.Must(200, "POST", "/portal/tickets/"+number+"/replies?code="+code, map[string]any{"body": "订单号 12345"})
	if r.Body["status"] != "assigned" {
		t.Fatalf("customer reply on waiting: %s", r.Raw)
	}
	customer.Must(409, "POST", "/portal/tickets/"+number+"/rating?code="+code, map[string]any{"score": 5})
	agentClient.Must(200, "POST", "/tickets/"+id+"/resolve", map[string]any{"resolution": "refunded"})
	customer.Must(200, "POST", "/portal/tickets/"+number+"/rating?code="+code, map[string]any{"score": 5, "comment": "很好"})
	customer.Must(409, "POST", "/portal/tickets/"+number+"/rating?code="+code, map[string]any{"score": 4})
	customer.Must(404, "POST", "/portal/tickets/"+number+"/replies?code=WRONG", map[string]any{"body": "x"})
	closed := agentClient.Must(200, "POST", "/tickets/"+id+"/close", nil)
	if closed.Body["status"] != "closed" {
		t.Fatalf("close: %s", closed.Raw)
	}
	got := c.Must(200, "GET", "/tickets/"+id, nil)
	if got.Body["assignee"] != agentID || got.Body["priority"] != "P1" || got.Body["category"] != "billing" {
		t.Fatalf("GET: %s", got.Raw)
	}
	events := c.Must(200, "GET", "/tickets/"+id+"/events", nil)
	list := events.Body["events"].([]any)
	if len(list) != 10 {
		t.Fatalf("%d events, want 10: %s", len(list), events.Raw)
	}
	prev := ""
	for _, e := range list {
		ev := e.(map[string]any)
		if ev["prev_hash"] != prev || ev["hash"] == "" || ev["actor"] == "" {
			t.Fatalf("event chain broken at %v", ev)
		}
		prev = ev["hash"].(string)
	}
	// The state as of the customer's reply holds every event up to the last one that
	// occurred in the same millisecond (several may).
	asOf := list[6].(map[string]any)["occurred_at"].(string)
	want := 6
	for want+1 < len(list) && list[want+1].(map[string]any)["occurred_at"] == asOf {
		want++
	}
	past := c.Must(200, "GET", "/tickets/"+id+"?as_of="+asOf, nil)
	if past.Body["version"] != float64(want) {
		t.Fatalf("as_of %s: version %v, want %d: %s", asOf, past.Body["version"], want, past.Raw)
	}

	// The read side: the portal shows the public timeline only; the queue no longer
	// holds the closed ticket.
	portal := customer.Must(200, "GET", "/portal/tickets/"+number+"?code="+code+"&min_version=9", nil)
	if portal.Body["status"] != "closed" || strings.Contains(portal.Raw, "internal: check ledger") || strings.Contains(portal.Raw, "chen@example.com") {
		t.Fatalf("portal view: %s", portal.Raw)
	}
	customer.Must(404, "GET", "/portal/tickets/"+number+"?code=WRONGCODE", nil)
	queue := c.Must(200, "GET", "/queues?team=support", nil)
	if strings.Contains(queue.Raw, id) {
		t.Fatalf("a closed ticket is in the queue: %s", queue.Raw)
	}
	open := c.Must(201, "POST", "/tickets", servicetest.NewTicket).Body["id"].(string)
	queue = c.Must(200, "GET", "/queues?team=support", nil)
	if !strings.Contains(queue.Raw, open) {
		t.Fatalf("the new ticket is not in the queue: %s", queue.Raw)
	}
	kpi := c.Must(200, "GET", "/reports/kpi?from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z&group_by=channel", nil)
	if !strings.Contains(kpi.Raw, `"group":"chat"`) {
		t.Fatalf("KPI report: %s", kpi.Raw)
	}
}

func testProblems(c servicetest.Client, svc *service.Service) {
	t := c.T
	id := c.Must(201, "POST", "/tickets", servicetest.NewTicket).Body["id"].(string)
	cases := []struct {
		name, method, path string
		body               any
		headers            []string
		status             int
		typ                string
	}{
		{"malformed", "POST", "/tickets", `{"channel":`, nil, 400, "malformed"},
		{"wrong type", "POST", "/tickets/" + id + "/classify", `{"category":1,"priority":"P1"}`, nil, 400, "malformed"},
		{"unknown field", "POST", "/tickets", `{"channel":"web","extra":true}`, nil, 400, "malformed"},
		{"trailing data", "POST", "/tickets/" + id + "/wait", `{"reason":"a"} {}`, nil, 400, "malformed"},
		{"invalid utf-8", "POST", "/tickets/" + id + "/replies", "{\"body\":\"\xff\xfe\"}", nil, 400, "malformed"},
		{"not json", "POST", "/tickets/" + id + "/replies", `{"body":"x"}`, []string{"Content-Type", "text/plain"}, 415, "unsupported-media-type"},
		{"too large", "POST", "/tickets/" + id + "/replies", `{"body":"` + strings.Repeat("a", 1<<20) + `"}`, nil, 413, "too-large"},
		{"invalid values", "POST", "/tickets/" + id + "/classify", `{"category":"","priority":"P7"}`, nil, 422, "validation"},
		{"unknown ticket", "POST", "/tickets/6c1f0d9e-8d43-4a63-9d8c-3f4b8b9f0a11/resolve", `{"resolution":"x"}`, nil, 404, "not-found"},
		{"bad id", "GET", "/tickets/not-a-uuid", nil, nil, 404, "not-found"},
		{"invalid transition", "POST", "/tickets/" + id + "/close", nil, nil, 409, "invalid-transition"},
		{"stale If-Match", "POST", "/tickets/" + id + "/wait", `{"reason":"x"}`, []string{"If-Match", `"7"`}, 412, "precondition-failed"},
		{"no token", "GET", "/tickets/" + id, nil, []string{"Authorization", ""}, 401, "unauthorized"},
		{"bad token", "GET", "/tickets/" + id, nil, []string{"Authorization", "Bearer nope"}, 401, "unauthorized"},
	}
	before := countEvents(t, svc)
	for _, tc := range cases {
		r := c.InvalidOnPurpose().Do(tc.method, tc.path, tc.body, tc.headers...)
		if r.Status != tc.status || !strings.HasSuffix(fmt.Sprint(r.Body["type"]), "/"+tc.typ) || r.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s: status %d type %v (%s), want %d …/%s", tc.name, r.Status, r.Body["type"], r.Header.Get("Content-Type"), tc.status, tc.typ)
		}
	}
	if after := countEvents(t, svc); after != before {
		t.Errorf("refused requests appended %d events", after-before)
	}
	r := c.InvalidOnPurpose().Do("POST", "/tickets/"+id+"/classify", `{"category":"","priority":"P7"}`)
	errs, _ := r.Body["errors"].([]any)
	if len(errs) != 2 {
		t.Errorf("validation problem lists %d field errors, want 2: %s", len(errs), r.Raw)
	}
	// close accepts an empty body and {} alike (here it is refused by status, not by body).
	for _, body := range []any{nil, "{}"} {
		if r := c.Do("POST", "/tickets/"+id+"/close", body); r.Status != 409 {
			t.Errorf("close with body %v: %d", body, r.Status)
		}
	}
}

func countEvents(t *testing.T, svc *service.Service) int {
	t.Helper()
	all, err := svc.Store.ReadAll(context.Background(), 0, 1_000_000)
	if err != nil {
		t.Fatal(err)
	}
	return len(all)
}

func testRacingIfMatch(c servicetest.Client, svc *service.Service) {
	t := c.T
	id := c.Must(201, "POST", "/tickets", servicetest.NewTicket).Body["id"].(string)
	const writers = 12
	statuses := make(chan int, writers)
	var wg sync.WaitGroup
	for range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := c.Do("POST", "/tickets/"+id+"/classify", map[string]any{"category": "billing", "priority": "P2"}, "If-Match", `"0"`)
			statuses <- r.Status
		}()
	}
	wg.Wait()
	close(statuses)
	count := map[int]int{}
	for s := range statuses {
		count[s]++
	}
	if count[200] != 1 || count[412] != writers-1 {
		t.Fatalf("statuses %v, want one 200 and %d 412", count, writers-1)
	}
}

func testIdempotency(c servicetest.Client, svc *service.Service) {
	t := c.T
	first := c.Must(201, "POST", "/tickets", servicetest.NewTicket, "Idempotency-Key", "order-1")
	again := c.Must(201, "POST", "/tickets", servicetest.NewTicket, "Idempotency-Key", "order-1")
	if first.Raw != again.Raw {
		t.Fatalf("repeat answered differently:\n%s\n%s", first.Raw, again.Raw)
	}
	before := countEvents(t, svc)
	other := map[string]any{"channel": "web", "customer": servicetest.NewTicket["customer"], "subject": "other"}
	c.Must(422, "POST", "/tickets", other, "Idempotency-Key", "order-1")
	if countEvents(t, svc) != before {
		t.Fatal("a reused key appended")
	}
	id := first.Body["id"].(string)
	r1 := c.Must(200, "POST", "/tickets/"+id+"/replies", map[string]any{"body": "hi"}, "Idempotency-Key", "r-1")
	r2 := c.Must(200, "POST", "/tickets/"+id+"/replies", map[string]any{"body": "hi"}, "Idempotency-Key", "r-1")
	if r1.Body["version"] != r2.Body["version"] {
		t.Fatalf("repeat reply: versions %v and %v", r1.Body["version"], r2.Body["version"])
	}
	c.InvalidOnPurpose().Must(400, "POST", "/tickets/"+id+"/replies", map[string]any{"body": "hi"}, "Idempotency-Key", "has space")
}

func testRoles(c servicetest.Client, _ *service.Service) {
	t := c.T
	id := c.Must(201, "POST", "/tickets", servicetest.NewTicket).Body["id"].(string)
	tokens := map[string]string{}
	for _, role := range []string{"supervisor", "auditor", "analyst"} {
		tokens[role] = c.Must(201, "POST", "/tokens", map[string]any{"role": role, "subject": role + "-1"}).Body["token"].(string)
	}
	as := func(role string) servicetest.Client {
		return servicetest.Client{T: t, Base: c.Base, Token: tokens[role]}
	}
	as("auditor").Must(403, "POST", "/tickets/"+id+"/classify", map[string]any{"category": "a", "priority": "P1"})
	as("analyst").Must(403, "GET", "/tickets/"+id+"/events", nil)
	as("analyst").Must(403, "GET", "/tickets/"+id+"?as_of=2030-01-01T00:00:00Z", nil)
	as("auditor").Must(200, "GET", "/tickets/"+id+"/events", nil)
	as("supervisor").Must(200, "POST", "/tickets/"+id+"/classify", map[string]any{"category": "a", "priority": "P1"})
	as("supervisor").Must(403, "POST", "/tokens", map[string]any{"role": "analyst"})
	c.InvalidOnPurpose().Must(422, "POST", "/tokens", map[string]any{"role": "admin"})
}
