package servicetest_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ticketengine/ticketengine/cmd/internal/service/servicetest"
)

// The component suites hold every exchange to docs/openapi.yaml (Client, CheckExchange).
// These tests show the check is not vacuous.

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
			reqErr, resErr := servicetest.CheckExchange(req, nil, false, rec.Code, rec.Header(), rec.Body.Bytes())
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
	if reqErr, resErr := servicetest.CheckExchange(req, payload, false, 400, h, problem); reqErr == nil || resErr != nil {
		t.Fatalf("checked: request %v, response %v", reqErr, resErr)
	}
	if reqErr, resErr := servicetest.CheckExchange(req, payload, true, 400, h, problem); reqErr != nil || resErr != nil {
		t.Fatalf("marked invalid: request %v, response %v", reqErr, resErr)
	}
}
