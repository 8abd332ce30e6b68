package service_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ticketengine/ticketengine/cmd/internal/service"
)

// page is a request to the help center, which the OpenAPI contract does not cover; the
// redirect is returned, not followed.
func page(t *testing.T, method, target string, form url.Values) (int, http.Header, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, target, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, string(raw)
}

// TestPagesBesideTheAPI: ticketd serves the help center and the API on one address: / is
// the help center's, the API's routes are unchanged, and both doors draw on one limiter
// of failed look-ups per client (application/access), so the pages are no way around it.
func TestPagesBesideTheAPI(t *testing.T) {
	c, _ := startService(t, service.Config{EventStore: "memory:", Data: t.TempDir()})
	if status, h, _ := page(t, http.MethodGet, c.base+"/", nil); status != http.StatusSeeOther || h.Get("Location") != "/help" {
		t.Fatalf("/: %d %v", status, h)
	}
	if status, h, _ := page(t, http.MethodGet, c.base+"/help", nil); status != http.StatusOK || h.Get("Content-Security-Policy") == "" {
		t.Fatalf("/help: %d %v", status, h)
	}
	c.must(http.StatusOK, http.MethodGet, "/openapi.json", nil)
	anon := client{t: t, base: c.base, invalid: true}
	for range 20 {
		anon.must(http.StatusNotFound, http.MethodGet, "/portal/tickets/TK-NONE?code=WRONG", nil)
	}
	status, h, body := page(t, http.MethodGet, c.base+"/help/tickets/TK-NONE?code=WRONG", nil)
	if status != http.StatusTooManyRequests || h.Get("Retry-After") == "" || !strings.Contains(body, "<html") {
		t.Fatalf("the page after 20 failed look-ups on the API: %d %v", status, h)
	}
}

// TestPagesShareTheUploadLimiter: the open form's files and POST /portal/attachments draw
// on one budget of anonymous uploads per client, one per file.
func TestPagesShareTheUploadLimiter(t *testing.T) {
	c, _ := startService(t, service.Config{EventStore: "memory:", Data: t.TempDir()})
	anon := client{t: t, base: c.base}
	for range 20 {
		anon.mustUpload(http.StatusCreated, "/portal/attachments", "a.pdf", pdf("anonymous"))
	}
	status, h, body := postPage(t, c.base+"/help/tickets", map[string]string{"name": "Ann", "email": "ann@example.com",
		"subject": "s", "body": "b"}, map[string][]byte{"b.pdf": pdf("more")})
	if status != http.StatusTooManyRequests || h.Get("Retry-After") == "" || !strings.Contains(body, "<html") {
		t.Fatalf("the open form's file after 20 API uploads: %d %v", status, h)
	}
	if status, _, body := postPage(t, c.base+"/help/tickets", map[string]string{"name": "Ann", "email": "ann@example.com",
		"subject": "s", "body": "b"}, nil); status != http.StatusSeeOther {
		t.Fatalf("the open form without files is not an upload: %d %s", status, body)
	}
}
