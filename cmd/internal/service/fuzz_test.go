package service_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ticketengine/ticketengine/cmd/internal/service"
	"github.com/ticketengine/ticketengine/cmd/internal/service/servicetest"
)

// FuzzCommandPath sends random bodies and headers to every command route: the answer is
// never a 5xx, and a refused request never appends an event.
//
//	go test ./cmd/internal/service -run '^$' -fuzz FuzzCommandPath -fuzztime 60s
func FuzzCommandPath(f *testing.F) {
	seeds := []struct {
		route       uint8
		body        string
		contentType string
		ifMatch     string
		key         string
		auth        bool
	}{
		{0, `{"channel":"web","customer":{"name":"A","email":"a@example.com","tier":"core"},"subject":"s"}`, "application/json", "", "", true},
		{1, `{"category":"billing","priority":"P1"}`, "application/json", `"0"`, "k", true},
		{2, `{"agent_id":"not-a-uuid"}`, "application/json", "", "", true},
		{3, `{"team":"x","reason":"` + strings.Repeat("很", 3000) + `"}`, "application/json", "", "", true},
		{4, `{"body":"\ud800","public":"yes"}`, "application/json; charset=latin1", "W/\"1\"", "", true},
		{5, "\xff\xfe{}", "application/json", "", "", true},
		{6, `{"resolution":null}`, "text/plain", "", "", true},
		{7, `[]`, "application/json", "abc", "key with space", true},
		{8, ``, "", "*", "", false},
		{9, `{"score":6}`, "application/json", "", "", true},
		{10, `{"body":"hi"} trailing`, "application/json", "", "", true},
		{11, `{"online":1}`, "application/problem+json", "", "", true},
		{12, `{"role":"admin","subject":"x"}`, "application/json", "", "", true},
	}
	for _, s := range seeds {
		f.Add(s.route, s.body, s.contentType, s.ifMatch, s.key, s.auth)
	}
	svc, err := service.Build(context.Background(), service.Config{EventStore: "memory:", Data: f.TempDir()}, nil)
	if err != nil {
		f.Fatal(err)
	}
	defer svc.Close()
	srv := httptest.NewServer(svc.HTTP)
	defer srv.Close()
	c := servicetest.Client{T: &testing.T{}, Base: srv.URL, Token: svc.AdminToken}
	ticket, agent, number, code := fixture(f, c)

	f.Fuzz(func(t *testing.T, route uint8, body, contentType, ifMatch, key string, auth bool) {
		paths := []string{
			"/tickets", "/tickets/" + ticket + "/classify", "/tickets/" + ticket + "/assign", "/tickets/" + ticket + "/escalate",
			"/tickets/" + ticket + "/replies", "/tickets/" + ticket + "/wait", "/tickets/" + ticket + "/resolve",
			"/tickets/" + ticket + "/reopen", "/tickets/" + ticket + "/close",
			"/portal/tickets/" + number + "/rating?code=" + code, "/portal/tickets/" + number + "/replies?code=" + code,
			"/agents/" + agent + "/presence", "/tokens", "/agents",
		}
		path := paths[int(route)%len(paths)]
		req, err := http.NewRequest(http.MethodPost, srv.URL+path, strings.NewReader(body))
		if err != nil {
			t.Skip()
		}
		for name, v := range map[string]string{"Content-Type": contentType, "If-Match": ifMatch, "Idempotency-Key": key} {
			if v != "" && validHeaderValue(v) {
				req.Header.Set(name, v)
			}
		}
		if auth {
			req.Header.Set("Authorization", "Bearer "+svc.AdminToken)
		}
		before := lastPosition(t, svc)
		res, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode >= 500 {
			t.Fatalf("POST %s with %q: status %d", path, body, res.StatusCode)
		}
		if res.StatusCode >= 400 && lastPosition(t, svc) != before {
			t.Fatalf("POST %s with %q answered %d but appended", path, body, res.StatusCode)
		}
	})
}

func validHeaderValue(v string) bool {
	for _, c := range v {
		if c < 0x20 || c == 0x7f || c > 0x7e {
			return false
		}
	}
	return true
}

// lastPosition is the store's newest position, found by paging forward from the last
// one seen, so each fuzz run costs O(new events), not O(history).
var seenPosition uint64

func lastPosition(t *testing.T, svc *service.Service) uint64 {
	for {
		page, err := svc.Store.ReadAll(context.Background(), seenPosition, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			return seenPosition
		}
		seenPosition = page[len(page)-1].Position
	}
}

// fixture makes a ticket and an agent for the fuzzed requests to act on.
func fixture(f *testing.F, c servicetest.Client) (ticket, agent, number, code string) {
	do := func(path string, body string) map[string]any {
		r := c.Do("POST", path, body)
		if r.Status != 201 {
			f.Fatalf("fixture %s: %d %s", path, r.Status, r.Raw)
		}
		return r.Body
	}
	t := do("/tickets", `{"channel":"web","customer":{"name":"A","email":"a@example.com","tier":"core"},"subject":"s"}`)
	a := do("/agents", `{"name":"B","email":"b@example.com","capacity":3}`)
	return t["id"].(string), a["id"].(string), t["number"].(string), t["access_code"].(string)
}
