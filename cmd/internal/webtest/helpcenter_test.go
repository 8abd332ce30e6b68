package webtest_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// TestHelpCenter is the customer's whole visit in one browser: open a ticket with a file,
// see its number and code, look it up, reply with a screenshot, download the agent's
// file, rate with an NPS after the agent resolved it (the NPS reaches the KPI report); a script in the
// body shows as text; no page scrolls sideways at 375 px; both languages render, by
// Accept-Language and by the switcher; no page has a serious or critical accessibility
// violation (axe-core), in either language.
func TestHelpCenter(t *testing.T) {
	b := newBrowser(t)
	e := startEngine(t)
	var ticketPath string
	t.Run("Visit", func(t *testing.T) { ticketPath = visit(t, b, e) })
	t.Run("NarrowScreen", func(t *testing.T) { narrow(t, b, e, ticketPath) })
	t.Run("Languages", func(t *testing.T) { languages(t, b, e) })
	t.Run("Accessibility", func(t *testing.T) { accessible(t, b, e) })
	t.Run("WithoutJavaScript", func(t *testing.T) { withoutJavaScript(t, b, e) })
}

// withoutJavaScript: with scripts off, a customer still opens a ticket, switches the
// language and replies: every step is a plain form.
func withoutJavaScript(t *testing.T, b *browser, e *engine) {
	b.language(t, "en")
	b.must(t, scripts(false))
	defer b.must(t, scripts(true))
	b.must(t, chromedp.Navigate(e.url+"/help"),
		fill("#name", "No Script"), fill("#email", "noscript@example.com"), fill("#subject", "Plain forms"),
		fill("#body", "Sent without JavaScript."), click(`form[action="/help/tickets"] button`),
		chromedp.WaitVisible(chromedp.CSS(`[data-field="number"]`)),
		click(`.lang button[value="zh"]`), chromedp.WaitVisible(chromedp.CSS(`html[lang="zh-CN"] [data-field="number"]`)),
		fill(`form[action*="/replies"] textarea[name="body"]`, "不用脚本也能回复"), click(`form[action*="/replies"] button`),
		chromedp.WaitVisible(chromedp.CSS(`[data-field="version"][data-value="1"]`)))
	if got := js[string](t, b, `typeof window.htmx`); got != "undefined" {
		t.Fatalf("the page ran its scripts: htmx is %s", got)
	}
}

func scripts(on bool) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !on})
		return err
	})
}

const script = "<script>alert(1)</script>"

func visit(t *testing.T, b *browser, e *engine) string {
	b.language(t, "en")
	invoice, screenshot := testFile(t, "invoice.pdf", []byte("%PDF-1.4\n% order 2026-1123\n%%EOF\n")), testFile(t, "screenshot.png", screenshotPNG(t))
	b.must(t, chromedp.Navigate(e.url+"/"), // / is the help center's
		fill("#name", "Ann Lee"), fill("#email", "ann@example.com"), fill("#subject", "Charged twice"),
		fill("#body", script), chromedp.SetUploadFiles(chromedp.CSS("#attachments"), []string{invoice}),
		click(`form[action="/help/tickets"] button`),
		chromedp.WaitVisible(chromedp.CSS(`[data-field="number"]`)))
	if got := js[string](t, b, textOf(`#timeline [data-field="attachment"]`)); got != "invoice.pdf" {
		t.Fatalf("the opened ticket's file shows as %q", got)
	}
	number := value(t, b, chromedp.AttributeValue(chromedp.CSS(`[data-field="number"]`), "data-value")).Value
	code := js[string](t, b, textOf(".code"))
	status := value(t, b, chromedp.AttributeValue(chromedp.CSS(`[data-field="status"]`), "data-value")).Value
	if number == "" || code == "" || status != "received" {
		t.Fatalf("number %q, code %q, status %q", number, code, status)
	}
	if got := js[string](t, b, textOf("#timeline .entry .text")); got != script {
		t.Fatalf("the body shows as %q", got)
	}
	if n := js[int](t, b, `document.querySelectorAll('#timeline script').length`); n != 0 {
		t.Fatalf("the body became %d script elements", n)
	}
	if got := js[string](t, b, `typeof window.htmx`); got != "object" {
		t.Fatalf("htmx did not load under the CSP: %s", got)
	}
	b.checkPage(t)

	// Look it up by number and code, and reply.
	b.must(t, chromedp.Navigate(e.url+"/help"), fill("#number", number), fill("#code", code),
		click(`form[action="/help/tickets"][method="get"] button`),
		chromedp.WaitVisible(chromedp.CSS(`[data-field="status"]`)),
		fill(`form[action*="/replies"] textarea[name="body"]`, "My order is 2026-1123."),
		chromedp.SetUploadFiles(chromedp.CSS(`form[action*="/replies"] input[name="attachments"]`), []string{screenshot}),
		click(`form[action*="/replies"] button`),
		waitFor(`document.querySelector('#timeline') && document.querySelector('#timeline').textContent.includes('2026-1123')`))
	if v := value(t, b, chromedp.AttributeValue(chromedp.CSS(`[data-field="version"]`), "data-value")).Value; v != "1" {
		t.Fatalf("version after the reply: %q", v)
	}
	if got := js[string](t, b, `[...document.querySelectorAll('#timeline [data-field="attachment"]')].map(a => a.textContent).join(',')`); got != "invoice.pdf,screenshot.png" {
		t.Fatalf("the files after the reply: %q", got)
	}

	// The agent answers with a file, then resolves, through the application layer; the
	// customer downloads the file and rates, with an NPS.
	id := e.find(t, number, code)
	e.replyWithFile(t, id, "refund.pdf", []byte("%PDF-1.4\n% refund receipt\n%%EOF\n"))
	path := js[string](t, b, `location.pathname + '?code=' + new URLSearchParams(location.search).get('code')`)
	downloadAgentsFile(t, b, e.url+path)
	e.resolve(t, id)
	b.must(t, chromedp.Navigate(e.url+path), chromedp.WaitVisible(chromedp.CSS(`select[name="score"]`)),
		chromedp.SetValue(chromedp.CSS(`select[name="score"]`), "5"), chromedp.SetValue(chromedp.CSS(`select[name="nps"]`), "9"),
		fill(`textarea[name="comment"]`, "很快，谢谢"), click(`form[action*="/rating"] button`),
		waitFor(`document.querySelector('#timeline') && document.querySelector('#timeline').textContent.includes('很快')`))
	if got := value(t, b, chromedp.AttributeValue(chromedp.CSS(`[data-field="status"]`), "data-value")).Value; got != "resolved" {
		t.Fatalf("status after rating: %q", got)
	}
	if n := js[int](t, b, `document.querySelectorAll('form[action*="/rating"]').length`); n != 0 {
		t.Fatal("the rating form is still offered after the rating")
	}
	b.checkPage(t)
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(e.kpi(t), `"nps":100,"nps_responses":1`); {
		if time.Now().After(deadline) {
			t.Fatalf("the rating's NPS is not in GET /reports/kpi: %s", e.kpi(t))
		}
		time.Sleep(50 * time.Millisecond)
	}
	return path
}

// downloadAgentsFile: the page links the agent's public file; the browser fetches the
// link and gets the file, as a download (attachment, nosniff).
func downloadAgentsFile(t *testing.T, b *browser, page string) {
	b.must(t, chromedp.Navigate(page), chromedp.WaitVisible(chromedp.CSS(`[data-field="status"]`)))
	got := value(t, b, chromedp.Evaluate[[]string](`(async () => {
		const a = [...document.querySelectorAll('#timeline [data-field="attachment"]')].find(a => a.textContent === 'refund.pdf');
		if (!a) return ['no link'];
		const r = await fetch(a.href);
		const body = await r.text();
		return [String(r.status), r.headers.get('content-disposition'), r.headers.get('x-content-type-options'), body.includes('refund receipt') ? 'body' : body];
	})()`, chromedp.EvalAwaitPromise))
	if strings.Join(got, "|") != "200|attachment; filename=\"refund.pdf\"; filename*=UTF-8''refund.pdf|nosniff|body" {
		t.Fatalf("the agent's file from the page: %q", got)
	}
	b.checkPage(t)
}

// testFile writes a file for the file inputs.
func testFile(t *testing.T, name string, content []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, content, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// screenshotPNG is a small real PNG, as a phone's screenshot would be (type sniffed).
func screenshotPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 40, 80))
	for y := range 80 {
		for x := range 40 {
			img.Set(x, y, color.RGBA{uint8(6 * x), uint8(3 * y), 200, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// narrow: at 375 px, no page is wider than the screen, even with a long unbroken word.
func narrow(t *testing.T, b *browser, e *engine, ticketPath string) {
	if ticketPath == "" {
		number, code, _ := e.open(t, "narrow")
		ticketPath = "/help/tickets/" + number + "?code=" + code
	}
	b.must(t, chromedp.EmulateViewport(375, 812, chromedp.EmulateScale(2)))
	defer b.must(t, chromedp.EmulateViewport(1280, 900))
	long := strings.Repeat("x", 300)
	b.must(t, chromedp.Navigate(e.url+ticketPath), fill(`form[action*="/replies"] textarea[name="body"]`, long),
		click(`form[action*="/replies"] button`), waitFor(`document.querySelector('#timeline') && document.querySelector('#timeline').textContent.includes('xxxxxxxxxx')`))
	for _, path := range []string{ticketPath, "/help", "/help/tickets/NONE?code=NONE"} {
		b.must(t, chromedp.Navigate(e.url+path), chromedp.WaitVisible(chromedp.CSS("main")))
		if w := js[[]int](t, b, `[document.documentElement.scrollWidth, window.innerWidth]`); w[0] > w[1] || w[1] != 375 {
			t.Errorf("%s: %d px wide on a %d px screen", path, w[0], w[1])
		}
	}
}

// languages: Accept-Language picks zh or en; the switcher overrides it, without JavaScript
// being needed (a form and a cookie), and comes back to the same page.
func languages(t *testing.T, b *browser, e *engine) {
	number, code, _ := e.open(t, "语言")
	path := "/help/tickets/" + number + "?code=" + code
	for accept, want := range map[string][2]string{"zh-CN,zh;q=0.9,en;q=0.8": {"zh-CN", "状态"}, "en-US,en;q=0.9": {"en", "Status"}} {
		b.language(t, accept)
		b.must(t, chromedp.Navigate(e.url+path), chromedp.WaitVisible(chromedp.CSS("main")))
		if lang := js[string](t, b, `document.documentElement.lang`); lang != want[0] || !strings.Contains(js[string](t, b, textOf(".facts")), want[1]) {
			t.Errorf("Accept-Language %s: lang %q, facts %q", accept, lang, js[string](t, b, textOf(".facts")))
		}
		b.checkPage(t)
	}
	b.language(t, "en")
	b.must(t, chromedp.Navigate(e.url+path), click(`.lang button[value="zh"]`), waitFor(`document.documentElement.lang === 'zh-CN'`))
	if got := js[string](t, b, `location.pathname + location.search`); got != path || !strings.Contains(js[string](t, b, "document.body.textContent"), "处理记录") {
		t.Errorf("after the switcher: %s", got)
	}
	b.must(t, chromedp.Navigate(e.url+"/help"), chromedp.WaitVisible(chromedp.CSS("main")))
	if h := js[string](t, b, textOf("h1")); h != "我们能帮您什么？" {
		t.Errorf("the switcher's choice is not kept: %q", h)
	}
}

// accessible runs axe-core on every help-center page in both languages.
func accessible(t *testing.T, b *browser, e *engine) {
	axe, err := os.ReadFile("testdata/axe-core-4.14.1.min.js")
	if err != nil {
		t.Fatal(err)
	}
	number, code, _ := e.open(t, "open")
	rNumber, rCode, rID := e.open(t, "resolved")
	e.resolve(t, rID)
	pages := []string{"/help", "/help/tickets/" + number + "?code=" + code, "/help/tickets/" + rNumber + "?code=" + rCode,
		"/help/tickets/" + number + "/confirm?code=" + code + "&token=T", "/help/tickets/" + number + "?code=WRONG"}
	for _, lang := range []string{"en", "zh-CN"} {
		b.language(t, lang)
		for _, p := range pages {
			b.must(t, chromedp.Navigate(e.url+p), chromedp.WaitVisible(chromedp.CSS("main")))
			axeCheck(t, b, axe, p, lang)
		}
	}
}
