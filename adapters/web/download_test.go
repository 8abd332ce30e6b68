package web_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/adapters/web"
	"github.com/ticketengine/ticketengine/application/access"
	"github.com/ticketengine/ticketengine/domain"
)

// TestTimelineLinksItsFiles: an entry's attachments are download links of the help
// center, carrying the ticket's code, with the file's name as text and its size.
func TestTimelineLinksItsFiles(t *testing.T) {
	a := do(newPages(t, &fakeCustomers{}, domain.StatusAssigned, nil), http.MethodGet, "/help/tickets/TK-1?code=GOOD", nil)
	link := `href="/help/tickets/TK-1/attachments/F1?code=GOOD" download data-field="attachment" data-value="F1">账单 1.html</a> <span class="size">2 KB</span>`
	if a.status != http.StatusOK || !strings.Contains(a.body, link) {
		t.Fatalf("%d\n%s", a.status, a.body)
	}
}

// TestDownloadIsAnAttachment: the file comes as a download that no browser shows inline
// or sniffs (an HTML file stays inert); any other id, and a wrong code, are the same 404
// page as an unknown ticket.
func TestDownloadIsAnAttachment(t *testing.T) {
	h := newPages(t, &fakeCustomers{}, domain.StatusAssigned, nil)
	a := do(h, http.MethodGet, "/help/tickets/TK-1/attachments/F1?code=GOOD", nil)
	if a.status != http.StatusOK || a.body != "<b>x" || a.header.Get("Content-Type") != "text/html" ||
		a.header.Get("Content-Disposition") != `attachment; filename="__ 1.html"; filename*=UTF-8''%E8%B4%A6%E5%8D%95%201.html` ||
		a.header.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(a.header.Get("Content-Security-Policy"), "sandbox") {
		t.Fatalf("%d %v %q", a.status, a.header, a.body)
	}
	next := regexp.MustCompile(`name="next" value="[^"]*"`)
	unknown := next.ReplaceAllString(do(h, http.MethodGet, "/help/tickets/TK-2?code=GOOD", nil).body, "")
	for _, target := range []string{"/help/tickets/TK-1/attachments/F2?code=GOOD", "/help/tickets/TK-1/attachments/F1?code=BAD"} {
		a := do(h, http.MethodGet, target, nil)
		if a.status != http.StatusNotFound || next.ReplaceAllString(a.body, "") != unknown {
			t.Errorf("%s: %d, not the unknown ticket's page", target, a.status)
		}
	}
}

// TestOpenFormFilesAreUploads: each file of the open form takes one from the upload
// limiter (the API's anonymous uploads' budget); a form over it is a 429 page.
func TestOpenFormFilesAreUploads(t *testing.T) {
	c := &fakeCustomers{features: web.Features{Attachments: true}}
	s, err := web.New(web.Options{Customers: c, Tickets: fakeTickets{domain.StatusReceived}, UploadLimiter: access.NewLimiter(3, time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	post := func(files int) int {
		var b bytes.Buffer
		w := multipart.NewWriter(&b)
		for k, v := range map[string]string{"name": "Ann", "email": "a@example.com", "subject": "s", "body": "b"} {
			_ = w.WriteField(k, v)
		}
		for range files {
			part, _ := w.CreateFormFile("attachments", "a.png")
			_, _ = part.Write([]byte("\x89PNG"))
		}
		_ = w.Close()
		r := httptest.NewRequest(http.MethodPost, "/help/tickets", &b)
		r.Header.Set("Content-Type", w.FormDataContentType())
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, r)
		return rec.Code
	}
	if got := post(2); got != http.StatusSeeOther {
		t.Fatalf("two files: %d", got)
	}
	if got := post(2); got != http.StatusTooManyRequests {
		t.Fatalf("four files with a budget of three: %d", got)
	}
	if got := post(0); got != http.StatusSeeOther {
		t.Fatalf("no files: %d", got)
	}
}
