package api

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/ticketengine/ticketengine/cmd/internal/service"
	"github.com/ticketengine/ticketengine/cmd/internal/service/servicetest"
)

var (
	fileLink     = regexp.MustCompile(`href="(/help/tickets/[^"]+/attachments/([^"?]+)\?code=[^"]+)"`)
	switcherNext = regexp.MustCompile(`name="next" value="[^"]*"`)
)

// testHelpCenterFiles (every store): the help center's forms take files and the rating
// form an NPS. A ticket opened with a screenshot shows it on its page, and the page's
// link downloads it (attachment, nosniff); the reply form takes files too, a refused type
// shows the form again (422); an internal note's file and another ticket's are the same
// 404 page as an unknown id; the NPS the rating form sent reaches GET /reports/kpi.
func testHelpCenterFiles(c servicetest.Client, svc *service.Service) {
	t := c.T
	shot := append(pngHeader(), []byte("screenshot")...)
	status, h, body := servicetest.PostPage(t, c.Base+"/help/tickets", map[string]string{"name": "Ann", "email": "ann@example.com",
		"subject": "Broken checkout", "body": "See the screenshot."}, map[string][]byte{"checkout.png": shot})
	if status != http.StatusSeeOther {
		t.Fatalf("open with a file: %d %s", status, body)
	}
	loc, _ := url.Parse(h.Get("Location"))
	number, code := strings.TrimPrefix(loc.Path, "/help/tickets/"), loc.Query().Get("code")
	status, _, body = servicetest.Page(t, http.MethodGet, c.Base+loc.RequestURI(), nil)
	links := fileLink.FindAllStringSubmatch(body, -1)
	if status != http.StatusOK || len(links) != 1 || !strings.Contains(body, "checkout.png") {
		t.Fatalf("the ticket's page: %d, links %v\n%s", status, links, body)
	}
	servicetest.Download(t, c.Base+strings.ReplaceAll(links[0][1], "&amp;", "&"), "checkout.png", shot)

	// Staff answer with a public file and note an internal one.
	id, err := svc.Commands.FindByNumber.Find(context.Background(), number, code)
	if err != nil {
		t.Fatal(err)
	}
	pub := c.MustUpload(201, "/attachments", "refund.pdf", servicetest.PDF("refund")).Body["id"].(string)
	note := c.MustUpload(201, "/attachments", "ledger.pdf", servicetest.PDF("ledger")).Body["id"].(string)
	c.Must(200, "POST", "/tickets/"+id.String()+"/replies", map[string]any{"body": "Attached.", "public": true, "attachments": []string{pub}})
	c.Must(200, "POST", "/tickets/"+id.String()+"/replies", map[string]any{"body": "note", "public": false, "attachments": []string{note}})
	other := c.Must(201, "POST", "/tickets", servicetest.NewTicket)
	otherFile := c.MustUpload(201, "/attachments", "other.pdf", servicetest.PDF("other")).Body["id"].(string)
	c.Must(200, "POST", "/tickets/"+other.Body["id"].(string)+"/replies", map[string]any{"body": "x", "public": true, "attachments": []string{otherFile}})
	files := "/help/tickets/" + number + "/attachments/"
	servicetest.Download(t, c.Base+files+pub+"?code="+code, "refund.pdf", servicetest.PDF("refund"))
	_, _, unknown := servicetest.Page(t, http.MethodGet, c.Base+files+"7b3f6c1e-2a4d-4e5f-8a9b-0c1d2e3f4a5b?code="+code, nil)
	for name, target := range map[string]string{"the note's file": files + note + "?code=" + code,
		"another ticket's file": files + otherFile + "?code=" + code, "a wrong code": files + pub + "?code=WRONG"} {
		status, _, body := servicetest.Page(t, http.MethodGet, c.Base+target, nil)
		if status != http.StatusNotFound || switcherNext.ReplaceAllString(body, "") != switcherNext.ReplaceAllString(unknown, "") {
			t.Errorf("%s: %d, not the unknown id's 404 page", name, status)
		}
	}
	helpCenterReplyAndRate(c, number, code, id.String())
}

// helpCenterReplyAndRate: the reply form's files, a refused type, the NPS of the rating.
func helpCenterReplyAndRate(c servicetest.Client, number, code, id string) {
	t := c.T
	ticketPage := c.Base + "/help/tickets/" + number + "?code=" + code
	status, _, body := servicetest.PostPage(t, c.Base+"/help/tickets/"+number+"/replies?code="+code, map[string]string{"body": "A program"},
		map[string][]byte{"setup.exe": append([]byte("MZ\x90\x00\x03"), make([]byte, 64)...)})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `role="alert"`) || !strings.Contains(body, "A program") {
		t.Fatalf("a refused file type: %d\n%s", status, body)
	}
	shot := append(pngHeader(), []byte("second")...)
	status, h, body := servicetest.PostPage(t, c.Base+"/help/tickets/"+number+"/replies?code="+code, map[string]string{"body": "Still broken."},
		map[string][]byte{"again.png": shot})
	if status != http.StatusSeeOther {
		t.Fatalf("a reply with a file: %d %s", status, body)
	}
	_, _, body = servicetest.Page(t, http.MethodGet, c.Base+h.Get("Location"), nil)
	if links := fileLink.FindAllStringSubmatch(body, -1); len(links) != 3 || !strings.Contains(body, "again.png") || strings.Contains(body, "ledger.pdf") {
		t.Fatalf("the page after the reply: %d links\n%s", len(links), body)
	}
	agent := registerAgent(c, "刘洋")
	c.Must(200, "POST", "/tickets/"+id+"/assign", map[string]any{"agent_id": agent})
	v := c.Must(200, "POST", "/tickets/"+id+"/resolve", map[string]any{"resolution": "fixed"}).Body["version"].(float64)
	_, _, body = servicetest.Page(t, http.MethodGet, ticketPage+"&min_version="+strconv.Itoa(int(v)), nil)
	if !strings.Contains(body, `name="nps"`) {
		t.Fatalf("no NPS in the rating form:\n%s", body)
	}
	status, _, body = servicetest.Page(t, http.MethodPost, c.Base+"/help/tickets/"+number+"/rating?code="+code, url.Values{"score": {"5"}, "nps": {"9"}})
	if status != http.StatusSeeOther {
		t.Fatalf("rating: %d %s", status, body)
	}
	servicetest.WaitFor(t, 5*time.Second, "the form's NPS in the KPI report", func() bool {
		return strings.Contains(c.Must(200, "GET", "/reports/kpi?from=2000-01-01&to=2100-01-01", nil).Raw, `"nps":100,"nps_responses":1`)
	})
}
