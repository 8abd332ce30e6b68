package webtest_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// browser is one headless Chromium tab, reused by every subtest.
type browser struct {
	ctx     context.Context
	mu      sync.Mutex
	dialogs []string // JavaScript dialogs a page opened (alert(1) must never run)
}

// cspWatch records, in every page, what the Content-Security-Policy blocked.
const cspWatch = `document.addEventListener('securitypolicyviolation', e => {
	(window.__csp = window.__csp || []).push(e.violatedDirective + ' ' + e.blockedURI); });`

func newBrowser(t *testing.T) *browser {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium is not installed: the browser tests need it under CI (.ci/run installs it)")
		}
		t.Skip("chromium is not installed")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true), chromedp.Flag("disable-dev-shm-usage", true))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	b := &browser{ctx: ctx}
	// The first run starts the browser: on the tab's own context, as a timeout would stop it.
	if err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
			return err
		}
		_, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: cspWatch})
		return err
	})); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Listen(ctx, func(ev any) {
		if ev, ok := ev.(*page.EventJavascriptDialogOpening); ok {
			b.mu.Lock()
			b.dialogs = append(b.dialogs, ev.Message)
			b.mu.Unlock()
			go func() {
				_, _ = chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
			}()
		}
	}); err != nil {
		t.Fatal(err)
	}
	return b
}

// must runs the steps with a bound on the time, failing the test on an error.
func (b *browser) must(t *testing.T, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := b.run(steps...); err != nil {
		t.Fatal(err)
	}
}

func (b *browser) run(steps ...chromedp.Action[chromedp.Void]) error {
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	return chromedp.Do(ctx, steps...)
}

func value[T any](t *testing.T, b *browser, a chromedp.Action[T]) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// js evaluates an expression in the page.
func js[T any](t *testing.T, b *browser, expr string) T {
	t.Helper()
	return value(t, b, chromedp.Evaluate[T](expr))
}

// language sets the browser's Accept-Language and forgets the switcher's cookie.
func (b *browser) language(t *testing.T, accept string) {
	t.Helper()
	b.must(t, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		if _, err := chromedp.Call(ctx, network.ClearBrowserCookies, cdp.Empty{}); err != nil {
			return err
		}
		_, err := chromedp.Call(ctx, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Accept-Language": accept}})
		return err
	}))
}

// checkPage fails on what a page must never do: run a customer's script, or need
// something its Content-Security-Policy blocks.
func (b *browser) checkPage(t *testing.T) {
	t.Helper()
	b.mu.Lock()
	dialogs := b.dialogs
	b.mu.Unlock()
	if len(dialogs) > 0 {
		t.Fatalf("a page opened dialogs %q", dialogs)
	}
	if blocked := js[[]string](t, b, `window.__csp || []`); len(blocked) > 0 {
		t.Errorf("the CSP blocked %q on %s", blocked, js[string](t, b, `location.pathname`))
	}
}

func fill(sel, v string) chromedp.Action[chromedp.Void] {
	return chromedp.SendKeys(chromedp.CSS(sel), v)
}

func click(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Click(chromedp.CSS(sel))
}

// waitFor polls an expression until it is true, across the navigation a form's submit
// starts (an evaluation in the page being left fails; the next one runs in the new page).
func waitFor(expr string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		var last error
		for {
			ok, err := chromedp.Evaluate[bool](expr)(ctx, t)
			if err == nil && ok {
				return chromedp.Void{}, nil
			}
			last = err
			select {
			case <-ctx.Done():
				return chromedp.Void{}, fmt.Errorf("waiting for %s: %w (last: %v)", expr, ctx.Err(), last)
			case <-time.After(50 * time.Millisecond):
			}
		}
	}
}

func textOf(sel string) string {
	return fmt.Sprintf(`document.querySelector(%q).textContent.trim()`, sel)
}
