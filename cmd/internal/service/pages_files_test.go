package service_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/cmd/internal/service"
)

// postPage posts a multipart form of the help center: fields, and files under
// "attachments" (name → content). The redirect is returned, not followed.
func postPage(t *testing.T, target string, fields map[string]string, files map[string][]byte) (int, http.Header, string) {
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
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, string(raw)
}

var (
	fileLink     = regexp.MustCompile(`href="(/help/tickets/[^"]+/attachments/([^"?]+)\?code=[^"]+)"`)
	switcherNext = regexp.MustCompile(`name="next" value="[^"]*"`)
)

// testHelpCenterFiles (every store): the help center's forms take files and the rating
// form an NPS. A ticket opened with a screenshot shows it on its page, and the page's
// link downloads it (attachment, nosniff); the reply form takes files too, a refused type
// shows the form again (422); an internal note's file and another ticket's are the same
// 404 page as an unknown id; the NPS the rating form sent reaches GET /reports/kpi.
func testHelpCenterFiles(c client, svc *service.Service) {
	t := c.t
	shot := append(pngHeader(), []byte("screenshot")...)
	status, h, body := postPage(t, c.base+"/help/tickets", map[string]string{"name": "Ann", "email": "ann@example.com",
		"subject": "Broken checkout", "body": "See the screenshot."}, map[string][]byte{"checkout.png": shot})
	if status != http.StatusSeeOther {
		t.Fatalf("open with a file: %d %s", status, body)
	}
	loc, _ := url.Parse(h.Get("Location"))
	number, code := strings.TrimPrefix(loc.Path, "/help/tickets/"), loc.Query().Get("code")
	status, _, body = page(t, http.MethodGet, c.base+loc.RequestURI(), nil)
	links := fileLink.FindAllStringSubmatch(body, -1)
	if status != http.StatusOK || len(links) != 1 || !strings.Contains(body, "checkout.png") {
		t.Fatalf("the ticket's page: %d, links %v\n%s", status, links, body)
	}
	download(t, c.base+strings.ReplaceAll(links[0][1], "&amp;", "&"), "checkout.png", shot)

	// Staff answer with a public file and note an internal one.
	id, err := svc.Commands.FindByNumber.Find(context.Background(), number, code)
	if err != nil {
		t.Fatal(err)
	}
	pub := c.mustUpload(201, "/attachments", "refund.pdf", pdf("refund")).Body["id"].(string)
	note := c.mustUpload(201, "/attachments", "ledger.pdf", pdf("ledger")).Body["id"].(string)
	c.must(200, "POST", "/tickets/"+id.String()+"/replies", map[string]any{"body": "Attached.", "public": true, "attachments": []string{pub}})
	c.must(200, "POST", "/tickets/"+id.String()+"/replies", map[string]any{"body": "note", "public": false, "attachments": []string{note}})
	other := c.must(201, "POST", "/tickets", newTicket)
	otherFile := c.mustUpload(201, "/attachments", "other.pdf", pdf("other")).Body["id"].(string)
	c.must(200, "POST", "/tickets/"+other.Body["id"].(string)+"/replies", map[string]any{"body": "x", "public": true, "attachments": []string{otherFile}})
	files := "/help/tickets/" + number + "/attachments/"
	download(t, c.base+files+pub+"?code="+code, "refund.pdf", pdf("refund"))
	_, _, unknown := page(t, http.MethodGet, c.base+files+"7b3f6c1e-2a4d-4e5f-8a9b-0c1d2e3f4a5b?code="+code, nil)
	for name, target := range map[string]string{"the note's file": files + note + "?code=" + code,
		"another ticket's file": files + otherFile + "?code=" + code, "a wrong code": files + pub + "?code=WRONG"} {
		status, _, body := page(t, http.MethodGet, c.base+target, nil)
		if status != http.StatusNotFound || switcherNext.ReplaceAllString(body, "") != switcherNext.ReplaceAllString(unknown, "") {
			t.Errorf("%s: %d, not the unknown id's 404 page", name, status)
		}
	}
	helpCenterReplyAndRate(c, number, code, id.String())
}

// helpCenterReplyAndRate: the reply form's files, a refused type, the NPS of the rating.
func helpCenterReplyAndRate(c client, number, code, id string) {
	t := c.t
	ticketPage := c.base + "/help/tickets/" + number + "?code=" + code
	status, _, body := postPage(t, c.base+"/help/tickets/"+number+"/replies?code="+code, map[string]string{"body": "A program"},
		map[string][]byte{"setup.exe": append([]byte("MZ\x90\x00\x03"), make([]byte, 64)...)})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `role="alert"`) || !strings.Contains(body, "A program") {
		t.Fatalf("a refused file type: %d\n%s", status, body)
	}
	shot := append(pngHeader(), []byte("second")...)
	status, h, body := postPage(t, c.base+"/help/tickets/"+number+"/replies?code="+code, map[string]string{"body": "Still broken."},
		map[string][]byte{"again.png": shot})
	if status != http.StatusSeeOther {
		t.Fatalf("a reply with a file: %d %s", status, body)
	}
	_, _, body = page(t, http.MethodGet, c.base+h.Get("Location"), nil)
	if links := fileLink.FindAllStringSubmatch(body, -1); len(links) != 3 || !strings.Contains(body, "again.png") || strings.Contains(body, "ledger.pdf") {
		t.Fatalf("the page after the reply: %d links\n%s", len(links), body)
	}
	agent := registerAgent(c, "刘洋")
	c.must(200, "POST", "/tickets/"+id+"/assign", map[string]any{"agent_id": agent})
	v := c.must(200, "POST", "/tickets/"+id+"/resolve", map[string]any{"resolution": "fixed"}).Body["version"].(float64)
	_, _, body = page(t, http.MethodGet, ticketPage+"&min_version="+strconv.Itoa(int(v)), nil)
	if !strings.Contains(body, `name="nps"`) {
		t.Fatalf("no NPS in the rating form:\n%s", body)
	}
	status, _, body = page(t, http.MethodPost, c.base+"/help/tickets/"+number+"/rating?code="+code, url.Values{"score": {"5"}, "nps": {"9"}})
	if status != http.StatusSeeOther {
		t.Fatalf("rating: %d %s", status, body)
	}
	waitFor(t, 5*time.Second, "the form's NPS in the KPI report", func() bool {
		return strings.Contains(c.must(200, "GET", "/reports/kpi?from=2000-01-01&to=2100-01-01", nil).Raw, `"nps":100,"nps_responses":1`)
	})
}

// download fetches a help-center download and checks it is the file, as a download.
func download(t *testing.T, target, name string, want []byte) {
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
