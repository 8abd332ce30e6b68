package service_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/cmd/internal/service"
	"github.com/ticketengine/ticketengine/docs"
)

// The component suite holds every exchange to docs/openapi.yaml: each request it sends
// (unless marked invalid on purpose) and each response it receives is validated with
// kin-openapi's openapi3filter. Response schemas are closed, so an undeclared field fails.

// contractRouter is the document loaded once, with its servers dropped so that operations
// match by path on whatever port the test server has.
var contractRouter = sync.OnceValues(func() (routers.Router, error) {
	raw, err := docs.OpenAPIJSON()
	if err != nil {
		return nil, err
	}
	doc, err := openapi3.NewLoader().LoadFromData(raw)
	if err != nil {
		return nil, err
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, err
	}
	doc.Servers = nil
	return gorillamux.NewRouter(doc)
})

// checkExchange validates one request (unless invalid is set) and its response against
// the document. payload is the request body as sent.
func checkExchange(req *http.Request, payload []byte, invalid bool, status int, header http.Header, body []byte) (reqErr, resErr error) {
	router, err := contractRouter()
	if err != nil {
		return err, err
	}
	r := req.Clone(context.Background())
	r.Body = io.NopCloser(bytes.NewReader(payload))
	route, params, err := router.FindRoute(r)
	if err != nil {
		return fmt.Errorf("no operation in docs/openapi.yaml: %w", err), nil
	}
	in := &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true}}
	if !invalid {
		reqErr = openapi3filter.ValidateRequest(context.Background(), in)
	}
	resErr = openapi3filter.ValidateResponse(context.Background(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: status, Header: header, Body: io.NopCloser(bytes.NewReader(body)),
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	})
	return reqErr, resErr
}

// checkContract is client.do's hook: it reports any disagreement with the document.
func (c client) checkContract(req *http.Request, payload []byte, res *http.Response, body []byte) {
	c.t.Helper()
	reqErr, resErr := checkExchange(req, payload, c.invalid, res.StatusCode, res.Header, body)
	if reqErr != nil {
		c.t.Errorf("%s %s: the request does not follow docs/openapi.yaml (mark it invalid if meant): %v", req.Method, req.URL.RequestURI(), reqErr)
	}
	if resErr != nil {
		c.t.Errorf("%s %s: the %d response does not follow docs/openapi.yaml: %v\n%s", req.Method, req.URL.RequestURI(), res.StatusCode, resErr, body)
	}
}

// invalidOnPurpose is the client for requests the contract refuses, sent to see them
// refused: their requests are not checked, their responses are.
func (c client) invalidOnPurpose() client {
	c.invalid = true
	return c
}

// TestContractCheckFailsOnUndeclaredField: the check is not vacuous. A handler answering
// GET /tickets/{id} with one field more than the document declares, without X-Request-ID,
// or a problem with an unknown type, fails it; the same answers without the fault pass.
func TestContractCheckFailsOnUndeclaredField(t *testing.T) {
	ticket := `{"id":"6c1f0d9e-8d43-4a63-9d8c-3f4b8b9f0a11","number":"TK-7F3K9Q","status":"received","channel":"chat",` +
		`"customer":{"id":"c-42","name":"陈静","email":"chen@example.com","tier":"vip"},"subject":"退款","category":null,` +
		`"priority":"P1","assignee":null,"assignee_name":null,"team":"support","escalation_level":0,"tags":[],` +
		`"sla":{"first_response_due":"2026-12-02T09:05:00.000Z","resolution_due":"2026-12-02T11:00:00.000Z",` +
		`"first_response_breached":false,"resolution_breached":false,"paused":false},` +
		`"created_at":"2026-12-02T09:00:00.000Z","updated_at":"2026-12-02T09:00:00.000Z","version":0,"verified":true%s}`
	cases := []struct {
		name, body, contentType, requestID string
		status                             int
		ok                                 bool
	}{
		{"declared", fmt.Sprintf(ticket, ""), "application/json", "r-1", 200, true},
		{"no X-Request-ID", fmt.Sprintf(ticket, ""), "application/json", "", 200, false},
		{"undeclared field", fmt.Sprintf(ticket, `,"internal_note":"check ledger"`), "application/json", "r-1", 200, false},
		{"undeclared nested field", strings.Replace(fmt.Sprintf(ticket, ""), `"tier":"vip"`, `"tier":"vip","vip_since":"2020"`, 1), "application/json", "r-1", 200, false},
		{"undeclared status", fmt.Sprintf(ticket, ""), "application/json", "r-1", 418, false},
		{"problem", `{"type":"https://ticketengine.dev/problems/not-found","title":"Not found","status":404}`, "application/problem+json", "r-1", 404, true},
		{"problem with an unknown type", `{"type":"https://ticketengine.dev/problems/teapot","title":"x","status":404}`, "application/problem+json", "r-1", 404, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fake := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", tc.contentType)
				if tc.requestID != "" {
					w.Header().Set("X-Request-ID", tc.requestID)
				}
				w.Header().Set("ETag", `"0"`)
				w.WriteHeader(tc.status)
				_, _ = io.WriteString(w, tc.body)
			})
			req := httptest.NewRequest("GET", "/tickets/6c1f0d9e-8d43-4a63-9d8c-3f4b8b9f0a11", nil)
			req.Header.Set("Authorization", "Bearer tk_x")
			rec := httptest.NewRecorder()
			fake.ServeHTTP(rec, req)
			reqErr, resErr := checkExchange(req, nil, false, rec.Code, rec.Header(), rec.Body.Bytes())
			if reqErr != nil {
				t.Fatalf("request: %v", reqErr)
			}
			if (resErr == nil) != tc.ok {
				t.Fatalf("response check: %v, want ok=%v", resErr, tc.ok)
			}
		})
	}
}

// TestContractCheckFailsOnInvalidRequest: a request the document refuses fails the check
// unless marked invalid on purpose.
func TestContractCheckFailsOnInvalidRequest(t *testing.T) {
	req := httptest.NewRequest("POST", "/tokens", strings.NewReader(`{"role":"admin","extra":1}`))
	req.Header.Set("Content-Type", "application/json")
	payload := []byte(`{"role":"admin","extra":1}`)
	problem := []byte(`{"type":"https://ticketengine.dev/problems/malformed","title":"Malformed request","status":400}`)
	h := http.Header{"Content-Type": {"application/problem+json"}, "X-Request-Id": {"r-1"}}
	if reqErr, resErr := checkExchange(req, payload, false, 400, h, problem); reqErr == nil || resErr != nil {
		t.Fatalf("checked: request %v, response %v", reqErr, resErr)
	}
	if reqErr, resErr := checkExchange(req, payload, true, 400, h, problem); reqErr != nil || resErr != nil {
		t.Fatalf("marked invalid: request %v, response %v", reqErr, resErr)
	}
}

// testEveryRoute sends, through the checked client, a request to each route the other
// tests do not reach, so that every operation's answers are held to the document.
func testEveryRoute(c client, _ *service.Service) {
	t := c.t
	created := c.must(201, "POST", "/tickets", newTicket)
	id, number, code := created.Body["id"].(string), created.Body["number"].(string), created.Body["access_code"].(string)
	agent := c.must(201, "POST", "/agents", map[string]any{"name": "王芳", "email": "wang@example.com", "team": "support", "skills": []string{"billing"}, "capacity": 3, "language": "zh"})
	agentID := agent.Body["id"].(string)
	as := client{t: t, base: c.base, token: agent.Body["token"].(string)}
	as.must(200, "POST", "/agents/"+agentID+"/presence", map[string]any{"online": true})
	as.must(403, "POST", "/agents/"+uuid.NewString()+"/presence", map[string]any{"online": true})
	// The suite runs without routing: no agent is free (409), or routing is off (503).
	if r := c.do("POST", "/tickets/"+id+"/assign", map[string]any{"auto": true}); r.Status != 409 && r.Status != 503 {
		t.Fatalf("auto-assignment without routing: %d %s", r.Status, r.Raw)
	}
	c.must(200, "POST", "/tickets/"+id+"/assign", map[string]any{"agent_id": agentID})
	c.must(200, "POST", "/tickets/"+id+"/escalate", map[string]any{"team": "tier2", "reason": "needs finance"})
	c.must(200, "GET", "/agents/"+agentID+"?min_version=1", nil)
	c.must(404, "GET", "/agents/"+uuid.NewString(), nil)
	page := c.must(200, "GET", "/agents?limit=1", nil)
	for n := 0; page.Body["next"] != nil && n < 10; n++ {
		page = c.must(200, "GET", "/agents?limit=1&cursor="+page.Body["next"].(string), nil)
	}
	c.must(200, "GET", "/queues?status=escalated&breached=false&limit=1", nil)
	c.invalidOnPurpose().must(422, "GET", "/queues?status=closed", nil)
	c.must(200, "GET", "/reports/kpi?group_by=team", nil, "Accept", "text/csv")
	c.must(200, "GET", "/tickets/"+id+"?min_version=0", nil)
	c.must(200, "GET", "/portal/tickets/"+number+"?code="+code+"&min_version=2", nil)
	c.must(200, "POST", "/admin/rebuild/queues", nil)
	c.must(404, "POST", "/admin/rebuild/nothing", nil)
	c.invalidOnPurpose().must(400, "GET", "/queues?q=refund", nil)
	for _, path := range []string{"/healthz", "/readyz", "/metrics", "/openapi.json"} {
		client{t: t, base: c.base}.must(200, "GET", path, nil)
	}
	// A client address that keeps failing look-ups is throttled, with Retry-After.
	customer := client{t: t, base: c.base}
	for range 20 {
		customer.do("GET", "/portal/tickets/"+number+"?code=WRONGWRONG00", nil)
	}
	if r := customer.must(429, "GET", "/portal/tickets/"+number+"?code="+code, nil); r.Header.Get("Retry-After") == "" {
		t.Fatalf("429 without Retry-After: %v", r.Header)
	}
}
