package servicetest

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Page is a request to the help center, which the OpenAPI contract does not cover; the
// redirect is returned, not followed.
func Page(t *testing.T, method, target string, form url.Values) (int, http.Header, string) {
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
	return noRedirect(t, req)
}

// PostPage posts a multipart form of the help center: fields, and files under
// "attachments" (name → content). The redirect is returned, not followed.
func PostPage(t *testing.T, target string, fields map[string]string, files map[string][]byte) (int, http.Header, string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for k, v := range fields {
		_ = w.WriteField(k, v)
	}
	for name, content := range files {
		part, _ := w.CreateFormFile("attachments", name)
		_, _ = part.Write(content)
	}
	_ = w.Close()
	req, err := http.NewRequest(http.MethodPost, target, &b)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
	return noRedirect(t, req)
}

func noRedirect(t *testing.T, req *http.Request) (int, http.Header, string) {
	t.Helper()
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, string(raw)
}

// Download fetches a help-center download and checks it is the file, as a download.
func Download(t *testing.T, target, name string, want []byte) {
	t.Helper()
	res, err := http.Get(target)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	got, _ := io.ReadAll(res.Body)
	h := res.Header
	if res.StatusCode != http.StatusOK || !bytes.Equal(got, want) || h.Get("X-Content-Type-Options") != "nosniff" ||
		h.Get("Content-Disposition") != `attachment; filename="`+name+"\"; filename*=UTF-8''"+name || !strings.Contains(h.Get("Content-Security-Policy"), "sandbox") {
		t.Fatalf("download %s: %d %v %q", target, res.StatusCode, h, got)
	}
}

// PDF is a small PDF-looking file (the type is told from "%PDF-").
func PDF(text string) []byte { return []byte("%PDF-1.4\n% " + text + "\n%%EOF\n") }
