package httpapi_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/ticketengine/ticketengine/application/access"
)

func (e *readEnv) sendJSON(t *testing.T, method, path string, role access.Role, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+e.tokens[role])
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	_, _ = io.Copy(&b, resp.Body)
	return resp.StatusCode, b.String()
}

func TestRosterOverPatchAndShiftsOverHTTP(t *testing.T) {
	e := newReadEnv(t)
	a := e.w.Agent(t, "Alice", "support")
	path := "/agents/" + a.ID.String()
	for body, field := range map[string]string{
		`{"timezone":"Mars/Olympus"}`: `"timezone"`,
		`{"roster":{"weekly":{"mon":[{"start":"09:00","end":"13:00"},{"start":"12:00","end":"18:00"}]}}}`: "overlap",
		`{"roster":{"weekly":{"mon":[{"start":"9","end":"13:00"}]}}}`:                                     `"roster"`,
		`{"name":"Alicia","roster":{"weekly":{"funday":[{"start":"09:00","end":"13:00"}]}}}`:              `"roster"`,
	} {
		if code, got := e.sendJSON(t, http.MethodPatch, path, access.RoleSupervisor, body); code != 422 || !strings.Contains(got, field) {
			t.Errorf("PATCH %s: %d %s, want 422 naming %s", body, code, got, field)
		}
	}
	code, got := e.sendJSON(t, http.MethodPatch, path, access.RoleSupervisor,
		`{"timezone":"Asia/Shanghai","roster":{"weekly":{"mon":[{"start":"22:00","end":"06:00"}]},"dates":{"2026-12-14":[]}}}`)
	if code != 200 || !strings.Contains(got, `"timezone":"Asia/Shanghai"`) || !strings.Contains(got, `"name":"Alice"`) {
		t.Fatalf("PATCH roster: %d %s", code, got)
	}
	// Monday 7 December 22:00 in Shanghai is 14:00 UTC; the next Monday is a day off.
	code, got = e.sendJSON(t, http.MethodGet, "/shifts?from=2026-12-07T00:00:00Z&to=2026-12-15T00:00:00Z", access.RoleSupervisor, "")
	if code != 200 || !strings.Contains(got, `"shifts":[{"start":"2026-12-07T14:00:00Z","end":"2026-12-07T22:00:00Z"}]`) {
		t.Fatalf("GET /shifts: %d %s", code, got)
	}
	if code, _ := e.sendJSON(t, http.MethodGet, "/shifts", access.RoleAuditor, ""); code != 403 {
		t.Fatalf("an auditor read the shifts: %d", code)
	}
	if code, _ := e.sendJSON(t, http.MethodGet, "/shifts?from=2026-12-07&to=2026-12-01", access.RoleAdmin, ""); code != 422 {
		t.Fatalf("to before from: %d, want 422", code)
	}
}
