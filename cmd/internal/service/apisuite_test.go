package service_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/ticketengine/ticketengine/cmd/internal/service"
)

// The component suite: the whole HTTP API through the real builder, run against each
// event store configuration (see the Test* functions at the bottom).

type client struct {
	t       *testing.T
	base    string
	token   string
	invalid bool         // the requests are invalid on purpose: only responses are checked
	hc      *http.Client // nil: http.DefaultClient (another one dials from another client address)
}

type response struct {
	Status int
	Header http.Header
	Body   map[string]any
	Raw    string
}

func (c client) do(method, path string, body any, headers ...string) response {
	c.t.Helper()
	var payload []byte
	switch b := body.(type) {
	case nil:
	case string:
		payload = []byte(b)
	default:
		payload, _ = json.Marshal(b)
	}
	req, err := http.NewRequest(method, c.base+path, bytes.NewReader(payload))
	if err != nil {
		c.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return c.send(req, payload)
}

func (c client) must(status int, method, path string, body any, headers ...string) response {
	c.t.Helper()
	r := c.do(method, path, body, headers...)
	if r.Status != status {
		c.t.Fatalf("%s %s: status %d, want %d: %s", method, path, r.Status, status, r.Raw)
	}
	return r
}

func startService(t *testing.T, cfg service.Config) (client, *service.Service) {
	t.Helper()
	c, svc, _ := runningService(t, cfg)
	return c, svc
}

var newTicket = map[string]any{
	"channel":  "chat",
	"customer": map[string]any{"id": "c-42", "name": "陈静", "email": "chen@example.com", "tier": "vip"},
	"subject":  "退款没有到账", "body": "I was charged twice",
}

// runAPISuite runs every API behaviour against one configuration.
func runAPISuite(t *testing.T, cfg func(t *testing.T) service.Config) {
	t.Run("Lifecycle", func(t *testing.T) { testLifecycle(startService(t, cfg(t))) })
	t.Run("Problems", func(t *testing.T) { testProblems(startService(t, cfg(t))) })
	t.Run("RacingIfMatch", func(t *testing.T) { testRacingIfMatch(startService(t, cfg(t))) })
	t.Run("Idempotency", func(t *testing.T) { testIdempotency(startService(t, cfg(t))) })
	t.Run("Roles", func(t *testing.T) { testRoles(startService(t, cfg(t))) })
	t.Run("EveryRoute", func(t *testing.T) { testEveryRoute(startService(t, cfg(t))) })
	t.Run("Conversation", func(t *testing.T) { testConversation(startService(t, cfg(t))) })
	t.Run("TicketList", func(t *testing.T) { testTicketList(startService(t, cfg(t))) })
	t.Run("Customers", func(t *testing.T) { testCustomers(startService(t, cfg(t))) })
	t.Run("SelfService", func(t *testing.T) { testSelfService(startService(t, cfg(t))) })
	t.Run("Attachments", func(t *testing.T) { testAttachments(t, cfg) })
	t.Run("HelpCenterFiles", func(t *testing.T) { testHelpCenterFiles(startService(t, cfg(t))) })
	t.Run("Staff", func(t *testing.T) { testStaff(startService(t, cfg(t))) })
	t.Run("Deactivation", func(t *testing.T) { testDeactivation(startService(t, cfg(t))) })
	t.Run("Tokens", func(t *testing.T) { testTokens(startService(t, cfg(t))) })
	t.Run("Tags", func(t *testing.T) { testTags(startService(t, cfg(t))) })
	t.Run("Macros", func(t *testing.T) { testMacros(startService(t, cfg(t))) })
	t.Run("NPSReport", func(t *testing.T) { testNPSReport(startService(t, cfg(t))) })
}

func testLifecycle(c client, _ *service.Service) {
	t := c.t
	created := c.must(201, "POST", "/tickets", newTicket)
	id, number, code := created.Body["id"].(string), created.Body["number"].(string), created.Body["access_code"].(string)
	if created.Header.Get("Location") != "/tickets/"+id || created.Header.Get("ETag") != `"0"` || created.Body["status"] != "received" {
		t.Fatalf("receive answered %v %s", created.Header, created.Raw)
	}
	agent := c.must(201, "POST", "/agents", map[string]any{"name": "刘洋", "email": "liu@example.com", "team": "support", "skills": []string{"billing"}, "capacity": 5})
	agentID := agent.Body["id"].(string)
	agentClient := client{t: t, base: c.base, token: agent.Body["token"].(string)}
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
		r := agentClient.must(200, "POST", "/tickets/"+id+s.path, s.body)
		if r.Body["status"] != s.status || r.Body["version"] != float64(i+1) || r.Header.Get("ETag") != fmt.Sprintf(`"%d"`, i+1) {
			t.Fatalf("step %s: %s", s.path, r.Raw)
		}
	}
	customer := client{t: t, base: c.base}
	r := customer.must(200, "POST", "/portal/tickets/"+number+"/replies?code="+code, map[string]any{"body": "订单号 12345"})
	if r.Body["status"] != "assigned" {
		t.Fatalf("customer reply on waiting: %s", r.Raw)
	}
	customer.must(409, "POST", "/portal/tickets/"+number+"/rating?code="+code, map[string]any{"score": 5})
	agentClient.must(200, "POST", "/tickets/"+id+"/resolve", map[string]any{"resolution": "refunded"})
	customer.must(200, "POST", "/portal/tickets/"+number+"/rating?code="+code, map[string]any{"score": 5, "comment": "很好"})
	customer.must(409, "POST", "/portal/tickets/"+number+"/rating?code="+code, map[string]any{"score": 4})
	customer.must(404, "POST", "/portal/tickets/"+number+"/replies?code=WRONG", map[string]any{"body": "x"})
	closed := agentClient.must(200, "POST", "/tickets/"+id+"/close", nil)
	if closed.Body["status"] != "closed" {
		t.Fatalf("close: %s", closed.Raw)
	}
	got := c.must(200, "GET", "/tickets/"+id, nil)
	if got.Body["assignee"] != agentID || got.Body["priority"] != "P1" || got.Body["category"] != "billing" {
		t.Fatalf("GET: %s", got.Raw)
	}
	events := c.must(200, "GET", "/tickets/"+id+"/events", nil)
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
	past := c.must(200, "GET", "/tickets/"+id+"?as_of="+asOf, nil)
	if past.Body["version"] != float64(want) {
		t.Fatalf("as_of %s: version %v, want %d: %s", asOf, past.Body["version"], want, past.Raw)
	}

	// The read side: the portal shows the public timeline only; the queue no longer
	// holds the closed ticket.
	portal := customer.must(200, "GET", "/portal/tickets/"+number+"?code="+code+"&min_version=9", nil)
	if portal.Body["status"] != "closed" || strings.Contains(portal.Raw, "internal: check ledger") || strings.Contains(portal.Raw, "chen@example.com") {
		t.Fatalf("portal view: %s", portal.Raw)
	}
	customer.must(404, "GET", "/portal/tickets/"+number+"?code=WRONGCODE", nil)
	queue := c.must(200, "GET", "/queues?team=support", nil)
	if strings.Contains(queue.Raw, id) {
		t.Fatalf("a closed ticket is in the queue: %s", queue.Raw)
	}
	open := c.must(201, "POST", "/tickets", newTicket).Body["id"].(string)
	queue = c.must(200, "GET", "/queues?team=support", nil)
	if !strings.Contains(queue.Raw, open) {
		t.Fatalf("the new ticket is not in the queue: %s", queue.Raw)
	}
	kpi := c.must(200, "GET", "/reports/kpi?from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z&group_by=channel", nil)
	if !strings.Contains(kpi.Raw, `"group":"chat"`) {
		t.Fatalf("KPI report: %s", kpi.Raw)
	}
}

func testProblems(c client, svc *service.Service) {
	t := c.t
	id := c.must(201, "POST", "/tickets", newTicket).Body["id"].(string)
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
		r := c.invalidOnPurpose().do(tc.method, tc.path, tc.body, tc.headers...)
		if r.Status != tc.status || !strings.HasSuffix(fmt.Sprint(r.Body["type"]), "/"+tc.typ) || r.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s: status %d type %v (%s), want %d …/%s", tc.name, r.Status, r.Body["type"], r.Header.Get("Content-Type"), tc.status, tc.typ)
		}
	}
	if after := countEvents(t, svc); after != before {
		t.Errorf("refused requests appended %d events", after-before)
	}
	r := c.invalidOnPurpose().do("POST", "/tickets/"+id+"/classify", `{"category":"","priority":"P7"}`)
	errs, _ := r.Body["errors"].([]any)
	if len(errs) != 2 {
		t.Errorf("validation problem lists %d field errors, want 2: %s", len(errs), r.Raw)
	}
	// close accepts an empty body and {} alike (here it is refused by status, not by body).
	for _, body := range []any{nil, "{}"} {
		if r := c.do("POST", "/tickets/"+id+"/close", body); r.Status != 409 {
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

func testRacingIfMatch(c client, svc *service.Service) {
	t := c.t
	id := c.must(201, "POST", "/tickets", newTicket).Body["id"].(string)
	const writers = 12
	statuses := make(chan int, writers)
	var wg sync.WaitGroup
	for range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := c.do("POST", "/tickets/"+id+"/classify", map[string]any{"category": "billing", "priority": "P2"}, "If-Match", `"0"`)
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

func testIdempotency(c client, svc *service.Service) {
	t := c.t
	first := c.must(201, "POST", "/tickets", newTicket, "Idempotency-Key", "order-1")
	again := c.must(201, "POST", "/tickets", newTicket, "Idempotency-Key", "order-1")
	if first.Raw != again.Raw {
		t.Fatalf("repeat answered differently:\n%s\n%s", first.Raw, again.Raw)
	}
	before := countEvents(t, svc)
	other := map[string]any{"channel": "web", "customer": newTicket["customer"], "subject": "other"}
	c.must(422, "POST", "/tickets", other, "Idempotency-Key", "order-1")
	if countEvents(t, svc) != before {
		t.Fatal("a reused key appended")
	}
	id := first.Body["id"].(string)
	r1 := c.must(200, "POST", "/tickets/"+id+"/replies", map[string]any{"body": "hi"}, "Idempotency-Key", "r-1")
	r2 := c.must(200, "POST", "/tickets/"+id+"/replies", map[string]any{"body": "hi"}, "Idempotency-Key", "r-1")
	if r1.Body["version"] != r2.Body["version"] {
		t.Fatalf("repeat reply: versions %v and %v", r1.Body["version"], r2.Body["version"])
	}
	c.invalidOnPurpose().must(400, "POST", "/tickets/"+id+"/replies", map[string]any{"body": "hi"}, "Idempotency-Key", "has space")
}

func testRoles(c client, _ *service.Service) {
	t := c.t
	id := c.must(201, "POST", "/tickets", newTicket).Body["id"].(string)
	tokens := map[string]string{}
	for _, role := range []string{"supervisor", "auditor", "analyst"} {
		tokens[role] = c.must(201, "POST", "/tokens", map[string]any{"role": role, "subject": role + "-1"}).Body["token"].(string)
	}
	as := func(role string) client { return client{t: t, base: c.base, token: tokens[role]} }
	as("auditor").must(403, "POST", "/tickets/"+id+"/classify", map[string]any{"category": "a", "priority": "P1"})
	as("analyst").must(403, "GET", "/tickets/"+id+"/events", nil)
	as("analyst").must(403, "GET", "/tickets/"+id+"?as_of=2030-01-01T00:00:00Z", nil)
	as("auditor").must(200, "GET", "/tickets/"+id+"/events", nil)
	as("supervisor").must(200, "POST", "/tickets/"+id+"/classify", map[string]any{"category": "a", "priority": "P1"})
	as("supervisor").must(403, "POST", "/tokens", map[string]any{"role": "analyst"})
	c.invalidOnPurpose().must(422, "POST", "/tokens", map[string]any{"role": "admin"})
}

func TestAPIOnMemoryStore(t *testing.T) {
	runAPISuite(t, func(t *testing.T) service.Config {
		return service.Config{EventStore: "memory:", Data: t.TempDir()}
	})
}
