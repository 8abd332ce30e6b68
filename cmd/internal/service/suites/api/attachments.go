package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/application/eventstoretest"
	"github.com/ticketengine/ticketengine/cmd/internal/service"
	"github.com/ticketengine/ticketengine/cmd/internal/service/servicetest"
)

// The attachment suite, run on every event store by Run: uploads stream, refused
// files leave nothing, the customer sees only public files of their ticket, each upload
// is attached once by its uploader, and anonymous uploads nobody attached go after 24 h.

func testAttachments(t *testing.T, cfg func(t *testing.T) service.Config) {
	t.Run("Stream20MiB", func(t *testing.T) { testUploadStreams(servicetest.StartService(t, cfg(t))) })
	t.Run("Refused", func(t *testing.T) {
		c := cfg(t)
		c.Attachments.MaxMiB = 1
		cl, svc := servicetest.StartService(t, c)
		testUploadRefused(cl, svc, c.Data)
	})
	t.Run("Visibility", func(t *testing.T) { testAttachmentVisibility(servicetest.StartService(t, cfg(t))) })
	t.Run("ClaimOnce", func(t *testing.T) { testAttachmentClaims(servicetest.StartService(t, cfg(t))) })
	t.Run("Sweep", func(t *testing.T) {
		c := cfg(t)
		clock := eventstoretest.NewClock(time.Now().UTC())
		c.Attachments.Clock = clock
		cl, svc := servicetest.StartService(t, c)
		testAttachmentSweep(cl, svc, clock, c.Data)
	})
}

// pattern yields n bytes of a PDF without holding them: the client's side of the 20 MiB
// upload allocates nothing per byte either.
type pattern struct{ n, off int64 }

func (p *pattern) Read(b []byte) (int, error) {
	if p.off >= p.n {
		return 0, io.EOF
	}
	b = b[:min(int64(len(b)), p.n-p.off)]
	for i := range b {
		b[i] = byte('a' + (p.off+int64(i))%26)
	}
	if p.off == 0 {
		copy(b, "%PDF-1.4\n")
	}
	p.off += int64(len(b))
	return len(b), nil
}

// testUploadStreams: a 20 MiB upload through the in-process server grows the process's
// allocations by less than 4 MiB (the file is streamed to disk, never held), and the
// download gives back the same bytes.
func testUploadStreams(c servicetest.Client, _ *service.Service) {
	t := c.T
	const size = 20 << 20
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		part, err := mw.CreateFormFile("file", "big.pdf")
		if err == nil {
			_, err = io.CopyBuffer(part, &pattern{n: size}, make([]byte, 32<<10))
		}
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	req, _ := http.NewRequest("POST", c.Base+"/attachments", pr)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+c.Token)
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(res.Body)
	res.Body.Close()
	runtime.ReadMemStats(&after)
	if res.StatusCode != 201 {
		t.Fatalf("20 MiB upload: %d %s", res.StatusCode, raw)
	}
	grew := after.TotalAlloc - before.TotalAlloc
	t.Logf("a 20 MiB upload allocated %.2f MiB in the process", float64(grew)/(1<<20))
	if grew >= 4<<20 {
		t.Fatalf("a 20 MiB upload allocated %d bytes (want < 4 MiB): the file is held in memory", grew)
	}
	var up struct {
		ID, SHA256 string
		Size       int64
	}
	_ = json.Unmarshal(raw, &up)
	h := sha256.New()
	_, _ = io.Copy(h, &pattern{n: size})
	if want := hex.EncodeToString(h.Sum(nil)); up.SHA256 != want || up.Size != size {
		t.Fatalf("upload answered %s, want sha256 %s and size %d", raw, want, size)
	}
	dl, _ := http.NewRequest("GET", c.Base+"/attachments/"+up.ID, nil)
	dl.Header.Set("Authorization", "Bearer "+c.Token)
	got, err := http.DefaultClient.Do(dl)
	if err != nil {
		t.Fatal(err)
	}
	defer got.Body.Close()
	h.Reset()
	n, _ := io.Copy(h, got.Body)
	if got.StatusCode != 200 || n != size || hex.EncodeToString(h.Sum(nil)) != up.SHA256 {
		t.Fatalf("download: %d, %d bytes, sha256 %x", got.StatusCode, n, h.Sum(nil))
	}
}

// testUploadRefused: an executable and an HTML page are 415s, a file over the limit (1 MiB
// here) a 413, a body that is not multipart a 415, a form without the part a 400; none
// leaves a file on disk or an event.
func testUploadRefused(c servicetest.Client, svc *service.Service, data string) {
	t := c.T
	events := countEvents(t, svc)
	elf := append([]byte("\x7fELF\x02\x01\x01\x00"), make([]byte, 64)...)
	pe := append([]byte("MZ\x90\x00\x03\x00\x00\x00"), make([]byte, 128)...)
	copy(pe[60:], []byte{0x80, 0, 0, 0})
	pe = append(pe, []byte("PE\x00\x00")...)
	for name, content := range map[string][]byte{"tool.pdf": elf, "setup.exe": pe, "page.txt": []byte("<!DOCTYPE html><html><script>alert(1)</script></html>")} {
		if r := c.Upload("/attachments", name, content); r.Status != 415 || !strings.Contains(r.Raw, "unsupported-media-type") {
			t.Fatalf("%s: %d %s", name, r.Status, r.Raw)
		}
	}
	big := append(servicetest.PDF("big"), bytes.Repeat([]byte("x"), 1<<20)...)
	if r := c.Upload("/attachments", "big.pdf", big); r.Status != 413 || !strings.Contains(r.Raw, "too-large") {
		t.Fatalf("over the limit: %d %s", r.Status, r.Raw)
	}
	bad := c.InvalidOnPurpose()
	bad.Must(415, "POST", "/attachments", map[string]any{"file": "x"})
	ctype, body := servicetest.MultipartBody("other", "a.pdf", servicetest.PDF("a"))
	req, _ := http.NewRequest("POST", c.Base+"/attachments", bytes.NewReader(body))
	req.Header.Set("Content-Type", ctype)
	if r := bad.Send(req, body); r.Status != 400 {
		t.Fatalf("a part not named file: %d %s", r.Status, r.Raw)
	}
	if n := countEvents(t, svc); n != events {
		t.Fatalf("refused uploads appended %d events", n-events)
	}
	if files := servicetest.FilesUnder(t, filepath.Join(data, "attachments")); len(files) != 0 {
		t.Fatalf("refused uploads left files: %v", files)
	}
	c.MustUpload(201, "/attachments", "ok.pdf", servicetest.PDF("ok")) // the limit is on size, not on everything
	if files := servicetest.FilesUnder(t, filepath.Join(data, "attachments")); len(files) != 1 {
		t.Fatalf("one upload, files %v", files)
	}
}

// testAttachmentVisibility: a public reply's file and an internal note's are both in the
// conversation; the customer's timeline shows only the public one, downloads only it, and
// gets for the note's file, another ticket's file and an unknown id the same 404. The
// download is an attachment, not sniffed, named in RFC 5987 form.
func testAttachmentVisibility(c servicetest.Client, _ *service.Service) {
	t := c.T
	created := c.Must(201, "POST", "/tickets", servicetest.NewTicket)
	id, number, code := created.Body["id"].(string), created.Body["number"].(string), created.Body["access_code"].(string)
	other := c.Must(201, "POST", "/tickets", servicetest.NewTicket)
	pub := c.MustUpload(201, "/attachments", `C:\Users\陈\发票 2026.pdf`, servicetest.PDF("public")).Body
	note := c.MustUpload(201, "/attachments", "../../etc/internal.txt", []byte("INTERNAL-FILE only staff\n")).Body
	if pub["filename"] != "发票 2026.pdf" || note["filename"] != "internal.txt" || note["content_type"] != "text/plain" {
		t.Fatalf("names and types: %v %v", pub, note)
	}
	c.Must(200, "POST", "/tickets/"+id+"/replies", map[string]any{"body": "发票见附件", "attachments": []string{pub["id"].(string)}})
	c.Must(200, "POST", "/tickets/"+id+"/replies", map[string]any{"body": "note", "public": false, "attachments": []string{note["id"].(string)}})
	conv := c.Must(200, "GET", "/tickets/"+id+"/messages?min_version=2", nil)
	if got := attachmentNames(conv.Body["items"]); got != "|发票 2026.pdf|internal.txt" {
		t.Fatalf("the conversation's attachments: %q\n%s", got, conv.Raw)
	}
	customer := servicetest.Client{T: t, Base: c.Base}
	view := customer.Must(200, "GET", "/portal/tickets/"+number+"?code="+code+"&min_version=2", nil)
	if got := attachmentNames(view.Body["timeline"]); got != "|发票 2026.pdf" || strings.Contains(view.Raw, note["id"].(string)) {
		t.Fatalf("the portal's attachments: %q\n%s", got, view.Raw)
	}
	portal := "/portal/tickets/" + number + "/attachments/"
	r, body := customer.Raw("GET", portal+pub["id"].(string)+"?code="+code)
	if r.Status != 200 || !bytes.Equal(body, servicetest.PDF("public")) {
		t.Fatalf("the customer's download: %d %q", r.Status, body)
	}
	wantCD := `attachment; filename="__ 2026.pdf"; filename*=UTF-8''%E5%8F%91%E7%A5%A8%202026.pdf`
	if r.Header.Get("Content-Disposition") != wantCD || r.Header.Get("X-Content-Type-Options") != "nosniff" || r.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("download headers: %v", r.Header)
	}
	unknown, _ := customer.Raw("GET", portal+"7b3f6c1e-2a4d-4e5f-8a9b-0c1d2e3f4a5b?code="+code)
	for name, path := range map[string]string{
		"the note's file":       portal + note["id"].(string) + "?code=" + code,
		"another ticket's file": "/portal/tickets/" + other.Body["number"].(string) + "/attachments/" + pub["id"].(string) + "?code=" + other.Body["access_code"].(string),
		"a wrong code":          portal + pub["id"].(string) + "?code=WRONG",
	} {
		got, _ := customer.Raw("GET", path)
		if got.Status != 404 || unknown.Status != 404 || got.Body["title"] != unknown.Body["title"] || got.Body["type"] != unknown.Body["type"] {
			t.Fatalf("%s: %d %s; unknown: %d %s", name, got.Status, got.Raw, unknown.Status, unknown.Raw)
		}
	}
	if r, body := c.Raw("GET", "/attachments/"+note["id"].(string)); r.Status != 200 || !strings.HasPrefix(string(body), "INTERNAL-FILE") {
		t.Fatalf("staff download of the note's file: %d %s", r.Status, body)
	}
	customer.InvalidOnPurpose().Must(401, "GET", "/attachments/"+pub["id"].(string), nil)
}

// attachmentNames joins the filenames of every item's attachments, "|" before each.
func attachmentNames(items any) string {
	var b strings.Builder
	list, _ := items.([]any)
	for _, x := range list {
		m, _ := x.(map[string]any)
		atts, ok := m["attachments"].([]any)
		if !ok {
			return fmt.Sprintf("no attachments list in %v", m)
		}
		for _, a := range atts {
			b.WriteString("|" + a.(map[string]any)["filename"].(string))
		}
	}
	return b.String()
}

// testAttachmentClaims: an upload is attached once, by its uploader: twice, by another
// agent, by the wrong ticket's customer, or an unknown id is a 422; a refused reply
// releases its claim; the customer attaches their own upload to a portal reply.
func testAttachmentClaims(c servicetest.Client, _ *service.Service) {
	t := c.T
	created := c.Must(201, "POST", "/tickets", servicetest.NewTicket)
	id, number, code := created.Body["id"].(string), created.Body["number"].(string), created.Body["access_code"].(string)
	other := c.Must(201, "POST", "/tickets", servicetest.NewTicket)
	agent := c.Must(201, "POST", "/agents", map[string]any{"name": "刘洋", "email": "liu@example.com", "team": "support", "skills": []string{"billing"}, "capacity": 5})
	as := servicetest.Client{T: t, Base: c.Base, Token: agent.Body["token"].(string)}
	mine := c.MustUpload(201, "/attachments", "a.pdf", servicetest.PDF("a")).Body["id"].(string)
	theirs := as.MustUpload(201, "/attachments", "b.pdf", servicetest.PDF("b")).Body["id"].(string)
	reply := func(cl servicetest.Client, status int, atts ...string) servicetest.Response {
		return cl.Must(status, "POST", "/tickets/"+id+"/replies", map[string]any{"body": "见附件", "attachments": atts})
	}
	// A refused reply (empty body) claims nothing for good.
	c.InvalidOnPurpose().Must(422, "POST", "/tickets/"+id+"/replies", map[string]any{"body": "", "attachments": []string{mine}})
	reply(c, 200, mine)
	for name, r := range map[string]servicetest.Response{
		"twice":             reply(c, 422, mine),
		"another's upload":  reply(c, 422, theirs),
		"an unknown id":     reply(c, 422, "7b3f6c1e-2a4d-4e5f-8a9b-0c1d2e3f4a5b"),
		"in a new ticket":   c.Must(422, "POST", "/tickets", servicetest.WithAttachments(servicetest.NewTicket, mine)),
		"one good, one bad": reply(as, 422, theirs, mine),
	} {
		if !strings.Contains(r.Raw, `"field":"attachments[`) {
			t.Fatalf("%s: %s", name, r.Raw)
		}
	}
	reply(as, 200, theirs) // the failed pair left theirs unclaimed
	portal := "/portal/tickets/" + number
	customer := servicetest.Client{T: t, Base: c.Base}
	up := customer.MustUpload(201, portal+"/attachments?code="+code, "截图.png", pngHeader()).Body["id"].(string)
	wrong := "/portal/tickets/" + other.Body["number"].(string) + "/replies?code=" + other.Body["access_code"].(string)
	customer.Must(422, "POST", wrong, map[string]any{"body": "x", "attachments": []string{up}})
	customer.Must(200, "POST", portal+"/replies?code="+code, map[string]any{"body": "截图", "attachments": []string{up}})
	view := customer.Must(200, "GET", portal+"?code="+code+"&min_version=3", nil)
	if got := attachmentNames(view.Body["timeline"]); got != "|a.pdf|b.pdf|截图.png" {
		t.Fatalf("the portal's attachments: %q\n%s", got, view.Raw)
	}
	if r, _ := customer.Raw("GET", portal+"/attachments/"+up+"?code="+code); r.Status != 200 {
		t.Fatalf("the customer's own file: %d", r.Status)
	}
}

func pngHeader() []byte {
	return append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR"), make([]byte, 32)...)
}

// testAttachmentSweep: anonymous uploads (rate-limited per client) are attached by
// POST /portal/tickets from the same client; one nobody attached is deleted once 24 h
// passed (its file too, unless an upload still alive has the same content); the attached
// one stays.
func testAttachmentSweep(c servicetest.Client, svc *service.Service, clock *eventstoretest.Clock, data string) {
	t := c.T
	anon := servicetest.Client{T: t, Base: c.Base}
	kept := anon.MustUpload(201, "/portal/attachments", "kept.pdf", servicetest.PDF("kept")).Body["id"].(string)
	gone := anon.MustUpload(201, "/portal/attachments", "gone.pdf", servicetest.PDF("gone")).Body["id"].(string)
	twin := anon.MustUpload(201, "/portal/attachments", "twin.pdf", servicetest.PDF("kept")).Body["id"].(string)
	if r := anon.FromAddr("127.0.0.9").Upload("/portal/attachments", "x.pdf", servicetest.PDF("x")); r.Status != 201 {
		t.Fatalf("another client: %d %s", r.Status, r.Raw)
	}
	stranger := anon.FromAddr("127.0.0.8")
	stranger.Must(422, "POST", "/portal/tickets", servicetest.WithAttachments(servicetest.SelfServiceTicket("a@example.com", "s"), kept))
	anon.Must(201, "POST", "/portal/tickets", servicetest.WithAttachments(servicetest.SelfServiceTicket("a@example.com", "发票"), kept))
	ctx := context.Background()
	if n, err := svc.Sweeper.Sweep(ctx); err != nil || n != 0 {
		t.Fatalf("a sweep before 24 h deleted %d: %v", n, err)
	}
	clock.Advance(24*time.Hour + time.Minute)
	if n, err := svc.Sweeper.Sweep(ctx); err != nil || n != 3 {
		t.Fatalf("the sweep after 24 h deleted %d (want gone, twin and the other client's): %v", n, err)
	}
	c.Must(404, "GET", "/attachments/"+gone, nil)
	c.Must(404, "GET", "/attachments/"+twin, nil)
	if r, body := c.Raw("GET", "/attachments/"+kept); r.Status != 200 || !bytes.Equal(body, servicetest.PDF("kept")) {
		t.Fatalf("the attached upload (whose content the deleted twin shared): %d %q", r.Status, body)
	}
	if files := servicetest.FilesUnder(t, filepath.Join(data, "attachments")); len(files) != 1 {
		t.Fatalf("after the sweep, files %v (want kept's alone)", files)
	}
	anon.Must(422, "POST", "/portal/tickets", servicetest.WithAttachments(servicetest.SelfServiceTicket("a@example.com", "again"), gone))
}
