package service_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/ticketengine/ticketengine/cmd/internal/service"
	"github.com/ticketengine/ticketengine/cmd/internal/service/servicetest"
)

// TestPagesBesideTheAPI: ticketd serves the help center and the API on one address: / is
// the help center's, the API's routes are unchanged, and both doors draw on one limiter
// of failed look-ups per client (application/access), so the pages are no way around it.
func TestPagesBesideTheAPI(t *testing.T) {
	c, _ := servicetest.StartService(t, service.Config{EventStore: "memory:", Data: t.TempDir()})
	if status, h, _ := servicetest.Page(t, http.MethodGet, c.Base+"/", nil); status != http.StatusSeeOther || h.Get("Location") != "/help" {
		t.Fatalf("/: %d %v", status, h)
	}
	if status, h, _ := servicetest.Page(t, http.MethodGet, c.Base+"/help", nil); status != http.StatusOK || h.Get("Content-Security-Policy") == "" {
		t.Fatalf("/help: %d %v", status, h)
	}
	c.Must(http.StatusOK, http.MethodGet, "/openapi.json", nil)
	anon := servicetest.Client{T: t, Base: c.Base, Invalid: true}
	for range 20 {
		anon.Must(http.StatusNotFound, http.MethodGet, "/portal/tickets/TK-NONE?code=WRONG", nil)
	}
	status, h, body := servicetest.Page(t, http.MethodGet, c.Base+"/help/tickets/TK-NONE?code=WRONG", nil)
	if status != http.StatusTooManyRequests || h.Get("Retry-After") == "" || !strings.Contains(body, "<html") {
		t.Fatalf("the page after 20 failed look-ups on the API: %d %v", status, h)
	}
}

// TestPagesShareTheUploadLimiter: the open form's files and POST /portal/attachments draw
// on one budget of anonymous uploads per client, one per file.
func TestPagesShareTheUploadLimiter(t *testing.T) {
	c, _ := servicetest.StartService(t, service.Config{EventStore: "memory:", Data: t.TempDir()})
	anon := servicetest.Client{T: t, Base: c.Base}
	for range 20 {
		anon.MustUpload(http.StatusCreated, "/portal/attachments", "a.pdf", servicetest.PDF("anonymous"))
	}
	status, h, body := servicetest.PostPage(t, c.Base+"/help/tickets", map[string]string{"name": "Ann", "email": "ann@example.com",
		"subject": "s", "body": "b"}, map[string][]byte{"b.pdf": servicetest.PDF("more")})
	if status != http.StatusTooManyRequests || h.Get("Retry-After") == "" || !strings.Contains(body, "<html") {
		t.Fatalf("the open form's file after 20 API uploads: %d %v", status, h)
	}
	if status, _, body := servicetest.PostPage(t, c.Base+"/help/tickets", map[string]string{"name": "Ann", "email": "ann@example.com",
		"subject": "s", "body": "b"}, nil); status != http.StatusSeeOther {
		t.Fatalf("the open form without files is not an upload: %d %s", status, body)
	}
}
