package service_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/application/eventstoretest"
	"github.com/ticketengine/ticketengine/cmd/internal/service"
)

// The attachment suite, run on every event store by runAPISuite: uploads stream, refused
// files leave nothing, the customer sees only public files of their ticket, each upload
// is attached once by its uploader, and anonymous uploads nobody attached go after 24 h.

func testAttachments(t *testing.T, cfg func(t *testing.T) service.Config) {
	t.Run("Stream20MiB", func(t *testing.T) { testUploadStreams(startService(t, cfg(t))) })
	t.Run("Refused", func(t *testing.T) {
		c := cfg(t)
		c.Attachments.MaxMiB = 1
		cl, svc := startService(t, c)
		testUploadRefused(cl, svc, c.Data)
	})
	t.Run("Visibility", func(t *testing.T) { testAttachmentVisibility(startService(t, cfg(t))) })
	t.Run("ClaimOnce", func(t *testing.T) { testAttachmentClaims(startService(t, cfg(t))) })
	t.Run("Sweep", func(t *testing.T) {
		c := cfg(t)
		clock := eventstoretest.NewClock(time.Now().UTC())
		c.Attachments.Clock = clock
		cl, svc := startService(t, c)
		testAttachmentSweep(cl, svc, clock, c.Data)
	})
}

// pdf is a small PDF-looking file (the type is told from "%PDF-").
func pdf(text string) []byte { return []byte("%PDF-1.4\n% " + text + "\n%%EOF\n") }

// multipartBody is a form with one part named name holding content as filename.
func multipartBody(name, filename string, content []byte) (string, []byte) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="`+name+`"; filename="`+filename+`"`)
	h.Set("Content-Type", "application/octet-stream")
	part, _ := w.CreatePart(h)
	_, _ = part.Write(content)
	_ = w.Close()
	return w.FormDataContentType(), b.Bytes()
}

// upload sends one multipart upload and checks the exchange against the document.
func (c client) upload(path, filename string, content []byte) response {
	c.t.Helper()
	ctype, body := multipartBody("file", filename, content)
	req, err := http.NewRequest("POST", c.base+path, bytes.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", ctype)
	return c.send(req, body)
}

// raw sends a request and returns the response with its body as read (a download).
func (c client) raw(method, path string) (response, []byte) {
	c.t.Helper()
	req, err := http.NewRequest(method, c.base+path, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	r := c.send(req, nil)
	return r, []byte(r.Raw)
}

func (c client) send(req *http.Request, payload []byte) response {
	c.t.Helper()
	if _, given := req.Header["Authorization"]; c.token != "" && !given {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	hc := c.hc
	if hc == nil {
		hc = http.DefaultClient
	}
	res, err := hc.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	c.checkContract(req, payload, res, raw)
	out := response{Status: res.StatusCode, Header: res.Header, Raw: string(raw)}
	_ = json.Unmarshal(raw, &out.Body)
	return out
}

func (c client) mustUpload(status int, path, filename string, content []byte) response {
	c.t.Helper()
	r := c.upload(path, filename, content)
	if r.Status != status {
		c.t.Fatalf("upload %s to %s: status %d, want %d: %s", filename, path, r.Status, status, r.Raw)
	}
	return r
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
func testUploadStreams(c client, _ *service.Service) {
	t := c.t
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
	req, _ := http.NewRequest("POST", c.base+"/attachments", pr)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+c.token)
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
	dl, _ := http.NewRequest("GET", c.base+"/attachments/"+up.ID, nil)
	dl.Header.Set("Authorization", "Bearer "+c.token)
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
func testUploadRefused(c client, svc *service.Service, data string) {
	t := c.t
	events := countEvents(t, svc)
	elf := append([]byte("\x7fELF\x02\x01\x01\x00"), make([]byte, 64)...)
	pe := append([]byte("MZ\x90\x00\x03\x00\x00\x00"), make([]byte, 128)...)
	copy(pe[60:], []byte{0x80, 0, 0, 0})
	pe = append(pe, []byte("PE\x00\x00")...)
	for name, content := range map[string][]byte{"tool.pdf": elf, "setup.exe": pe, "page.txt": []byte("<!DOCTYPE html><html><script>alert(1)</script></html>")} {
		if r := c.upload("/attachments", name, content); r.Status != 415 || !strings.Contains(r.Raw, "unsupported-media-type") {
			t.Fatalf("%s: %d %s", name, r.Status, r.Raw)
		}
	}
	big := append(pdf("big"), bytes.Repeat([]byte("x"), 1<<20)...)
	if r := c.upload("/attachments", "big.pdf", big); r.Status != 413 || !strings.Contains(r.Raw, "too-large") {
		t.Fatalf("over the limit: %d %s", r.Status, r.Raw)
	}
	bad := c.invalidOnPurpose()
	bad.must(415, "POST", "/attachments", map[string]any{"file": "x"})
	ctype, body := multipartBody("other", "a.pdf", pdf("a"))
	req, _ := http.NewRequest("POST", c.base+"/attachments", bytes.NewReader(body))
	req.Header.Set("Content-Type", ctype)
	if r := bad.send(req, body); r.Status != 400 {
		t.Fatalf("a part not named file: %d %s", r.Status, r.Raw)
	}
	if n := countEvents(t, svc); n != events {
		t.Fatalf("refused uploads appended %d events", n-events)
	}
	if files := filesUnder(t, filepath.Join(data, "attachments")); len(files) != 0 {
		t.Fatalf("refused uploads left files: %v", files)
	}
	c.mustUpload(201, "/attachments", "ok.pdf", pdf("ok")) // the limit is on size, not on everything
	if files := filesUnder(t, filepath.Join(data, "attachments")); len(files) != 1 {
		t.Fatalf("one upload, files %v", files)
	}
}

// filesUnder lists the regular files below dir (temporary ones included).
func filesUnder(t *testing.T, dir string) []string {
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			out = append(out, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// testAttachmentVisibility: a public reply's file and an internal note's are both in the
// conversation; the customer's timeline shows only the public one, downloads only it, and
// gets for the note's file, another ticket's file and an unknown id the same 404. The
// download is an attachment, not sniffed, named in RFC 5987 form.
func testAttachmentVisibility(c client, _ *service.Service) {
	t := c.t
	created := c.must(201, "POST", "/tickets", newTicket)
	id, number, code := created.Body["id"].(string), created.Body["number"].(string), created.Body["access_code"].(string)
	other := c.must(201, "POST", "/tickets", newTicket)
	pub := c.mustUpload(201, "/attachments", `C:\Users\陈\发票 2026.pdf`, pdf("public")).Body
	note := c.mustUpload(201, "/attachments", "../../etc/internal.txt", []byte("INTERNAL-FILE only staff\n")).Body
	if pub["filename"] != "发票 2026.pdf" || note["filename"] != "internal.txt" || note["content_type"] != "text/plain" {
		t.Fatalf("names and types: %v %v", pub, note)
	}
	c.must(200, "POST", "/tickets/"+id+"/replies", map[string]any{"body": "发票见附件", "attachments": []string{pub["id"].(string)}})
	c.must(200, "POST", "/tickets/"+id+"/replies", map[string]any{"body": "note", "public": false, "attachments": []string{note["id"].(string)}})
	conv := c.must(200, "GET", "/tickets/"+id+"/messages?min_version=2", nil)
	if got := attachmentNames(conv.Body["items"]); got != "|发票 2026.pdf|internal.txt" {
		t.Fatalf("the conversation's attachments: %q\n%s", got, conv.Raw)
	}
	customer := client{t: t, base: c.base}
	view := customer.must(200, "GET", "/portal/tickets/"+number+"?code="+code+"&min_version=2", nil)
	if got := attachmentNames(view.Body["timeline"]); got != "|发票 2026.pdf" || strings.Contains(view.Raw, note["id"].(string)) {
		t.Fatalf("the portal's attachments: %q\n%s", got, view.Raw)
	}
	portal := "/portal/tickets/" + number + "/attachments/"
	r, body := customer.raw("GET", portal+pub["id"].(string)+"?code="+code)
	if r.Status != 200 || !bytes.Equal(body, pdf("public")) {
		t.Fatalf("the customer's download: %d %q", r.Status, body)
	}
	wantCD := `attachment; filename="__ 2026.pdf"; filename*=UTF-8''%E5%8F%91%E7%A5%A8%202026.pdf`
	if r.Header.Get("Content-Disposition") != wantCD || r.Header.Get("X-Content-Type-Options") != "nosniff" || r.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("download headers: %v", r.Header)
	}
	unknown, _ := customer.raw("GET", portal+"7b3f6c1e-2a4d-4e5f-8a9b-0c1d2e3f4a5b?code="+code)
	for name, path := range map[string]string{
		"the note's file":       portal + note["id"].(string) + "?code=" + code,
		"another ticket's file": "/portal/tickets/" + other.Body["number"].(string) + "/attachments/" + pub["id"].(string) + "?code=" + other.Body["access_code"].(string),
		"a wrong code":          portal + pub["id"].(string) + "?code=WRONG",
	} {
		got, _ := customer.raw("GET", path)
		if got.Status != 404 || unknown.Status != 404 || got.Body["title"] != unknown.Body["title"] || got.Body["type"] != unknown.Body["type"] {
			t.Fatalf("%s: %d %s; unknown: %d %s", name, got.Status, got.Raw, unknown.Status, unknown.Raw)
		}
	}
	if r, body := c.raw("GET", "/attachments/"+note["id"].(string)); r.Status != 200 || !strings.HasPrefix(string(body), "INTERNAL-FILE") {
		t.Fatalf("staff download of the note's file: %d %s", r.Status, body)
	}
	customer.invalidOnPurpose().must(401, "GET", "/attachments/"+pub["id"].(string), nil)
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
func testAttachmentClaims(c client, _ *service.Service) {
	t := c.t
	created := c.must(201, "POST", "/tickets", newTicket)
	id, number, code := created.Body["id"].(string), created.Body["number"].(string), created.Body["access_code"].(string)
	other := c.must(201, "POST", "/tickets", newTicket)
	agent := c.must(201, "POST", "/agents", map[string]any{"name": "刘洋", "email": "liu@example.com", "team": "support", "skills": []string{"billing"}, "capacity": 5})
	as := client{t: t, base: c.base, token: agent.Body["token"].(string)}
	mine := c.mustUpload(201, "/attachments", "a.pdf", pdf("a")).Body["id"].(string)
	theirs := as.mustUpload(201, "/attachments", "b.pdf", pdf("b")).Body["id"].(string)
	reply := func(cl client, status int, atts ...string) response {
		return cl.must(status, "POST", "/tickets/"+id+"/replies", map[string]any{"body": "见附件", "attachments": atts})
	}
	// A refused reply (empty body) claims nothing for good.
	c.invalidOnPurpose().must(422, "POST", "/tickets/"+id+"/replies", map[string]any{"body": "", "attachments": []string{mine}})
	reply(c, 200, mine)
	for name, r := range map[string]response{
		"twice":             reply(c, 422, mine),
		"another's upload":  reply(c, 422, theirs),
		"an unknown id":     reply(c, 422, "7b3f6c1e-2a4d-4e5f-8a9b-0c1d2e3f4a5b"),
		"in a new ticket":   c.must(422, "POST", "/tickets", withAttachments(newTicket, mine)),
		"one good, one bad": reply(as, 422, theirs, mine),
	} {
		if !strings.Contains(r.Raw, `"field":"attachments[`) {
			t.Fatalf("%s: %s", name, r.Raw)
		}
	}
	reply(as, 200, theirs) // the failed pair left theirs unclaimed
	portal := "/portal/tickets/" + number
	customer := client{t: t, base: c.base}
	up := customer.mustUpload(201, portal+"/attachments?code="+code, "截图.png", pngHeader()).Body["id"].(string)
	wrong := "/portal/tickets/" + other.Body["number"].(string) + "/replies?code=" + other.Body["access_code"].(string)
	customer.must(422, "POST", wrong, map[string]any{"body": "x", "attachments": []string{up}})
	customer.must(200, "POST", portal+"/replies?code="+code, map[string]any{"body": "截图", "attachments": []string{up}})
	view := customer.must(200, "GET", portal+"?code="+code+"&min_version=3", nil)
	if got := attachmentNames(view.Body["timeline"]); got != "|a.pdf|b.pdf|截图.png" {
		t.Fatalf("the portal's attachments: %q\n%s", got, view.Raw)
	}
	if r, _ := customer.raw("GET", portal+"/attachments/"+up+"?code="+code); r.Status != 200 {
		t.Fatalf("the customer's own file: %d", r.Status)
	}
}

func withAttachments(body map[string]any, ids ...string) map[string]any {
	out := map[string]any{}
	for k, v := range body {
		out[k] = v
	}
	out["attachments"] = ids
	return out
}

func pngHeader() []byte {
	return append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR"), make([]byte, 32)...)
}

// testAttachmentSweep: anonymous uploads (rate-limited per client) are attached by
// POST /portal/tickets from the same client; one nobody attached is deleted once 24 h
// passed (its file too, unless an upload still alive has the same content); the attached
// one stays.
func testAttachmentSweep(c client, svc *service.Service, clock *eventstoretest.Clock, data string) {
	t := c.t
	anon := client{t: t, base: c.base}
	kept := anon.mustUpload(201, "/portal/attachments", "kept.pdf", pdf("kept")).Body["id"].(string)
	gone := anon.mustUpload(201, "/portal/attachments", "gone.pdf", pdf("gone")).Body["id"].(string)
	twin := anon.mustUpload(201, "/portal/attachments", "twin.pdf", pdf("kept")).Body["id"].(string)
	if r := anon.fromAddr("127.0.0.9").upload("/portal/attachments", "x.pdf", pdf("x")); r.Status != 201 {
		t.Fatalf("another client: %d %s", r.Status, r.Raw)
	}
	stranger := anon.fromAddr("127.0.0.8")
	stranger.must(422, "POST", "/portal/tickets", withAttachments(selfServiceTicket("a@example.com", "s"), kept))
	anon.must(201, "POST", "/portal/tickets", withAttachments(selfServiceTicket("a@example.com", "发票"), kept))
	ctx := context.Background()
	if n, err := svc.Sweeper.Sweep(ctx); err != nil || n != 0 {
		t.Fatalf("a sweep before 24 h deleted %d: %v", n, err)
	}
	clock.Advance(24*time.Hour + time.Minute)
	if n, err := svc.Sweeper.Sweep(ctx); err != nil || n != 3 {
		t.Fatalf("the sweep after 24 h deleted %d (want gone, twin and the other client's): %v", n, err)
	}
	c.must(404, "GET", "/attachments/"+gone, nil)
	c.must(404, "GET", "/attachments/"+twin, nil)
	if r, body := c.raw("GET", "/attachments/"+kept); r.Status != 200 || !bytes.Equal(body, pdf("kept")) {
		t.Fatalf("the attached upload (whose content the deleted twin shared): %d %q", r.Status, body)
	}
	if files := filesUnder(t, filepath.Join(data, "attachments")); len(files) != 1 {
		t.Fatalf("after the sweep, files %v (want kept's alone)", files)
	}
	anon.must(422, "POST", "/portal/tickets", withAttachments(selfServiceTicket("a@example.com", "again"), gone))
}
