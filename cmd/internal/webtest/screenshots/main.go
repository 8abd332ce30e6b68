// Command screenshots takes pictures of the help center's and the desk's pages with
// headless Chromium, for the README and reviews: each page at 1280 px and 375 px wide, in
// Chinese and in English, against the engine as ticketd builds it (memory store, sample
// tickets, an admin signed in to the desk). It is not part of CI; run it after changing a
// page:
//
//	go run ./cmd/internal/webtest/screenshots -out docs/screenshots
//
// It needs chromium on the PATH (and fonts-noto-cjk for the Chinese pages).
package main

import (
	"context"
	"flag"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/ticketengine/ticketengine/cmd/internal/service"
	"github.com/ticketengine/ticketengine/cmd/internal/tool"
)

func main() {
	tool.Main("screenshots", func(ctx context.Context) error { return run(ctx, os.Args[1:]) })
}

// shot is one picture: a page of the help center in a language at a width.
type shot struct {
	name, path, lang string
	width            int64
}

func run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("screenshots", flag.ContinueOnError)
	out := fs.String("out", "docs/screenshots", "`directory` the PNG files are written to")
	only := fs.String("only", "", "comma-separated file names (without .png) to take; empty: all")
	if err := fs.Parse(args); err != nil {
		return err
	}
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		return fmt.Errorf("chromium is not on the PATH: %w", err)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	data, err := os.MkdirTemp("", "screenshots-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(data)
	eng, err := startEngine(ctx, data)
	if err != nil {
		return err
	}
	defer eng.stop()
	pages, err := eng.samples(ctx)
	if err != nil {
		return err
	}
	b, stop := newBrowser(ctx, chromium)
	defer stop()
	if err := start(b); err != nil {
		return err
	}
	if err := eng.signIn(b); err != nil {
		return fmt.Errorf("desk sign-in: %w", err)
	}
	for _, s := range plan(pages) {
		if *only != "" && !contains(*only, s.name) {
			continue
		}
		if err := take(b, eng.url, s, filepath.Join(*out, s.name+".png")); err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
	}
	return nil
}

// plan is every picture, in zh and en, at 1280 and 375 px: the help center's home and a
// ticket's page (with files, a reply of the agent's and the rating form); the desk's
// ticket page, team queue, SLA watch and KPI dashboard.
func plan(tickets map[string]sampleTicket) []shot {
	var out []shot
	for _, lang := range []string{"zh", "en"} {
		for _, width := range []int64{1280, 375} {
			page := func(name, path string) shot {
				return shot{name: fmt.Sprintf("%s-%s-%d", name, lang, width), path: path, lang: lang, width: width}
			}
			out = append(out, page("help", "/help"), page("ticket", tickets[lang].help),
				page("desk-ticket", tickets[lang].desk), page("desk-team", "/desk/team"),
				page("desk-sla", "/desk/supervisor"), page("desk-kpi", "/desk/analyst"))
		}
	}
	return out
}

func contains(list, name string) bool {
	for _, n := range strings.Split(list, ",") {
		if strings.TrimSpace(n) == name {
			return true
		}
	}
	return false
}

type engine struct {
	svc    *service.Service
	url    string
	stop   func()
	cancel context.CancelFunc
}

func startEngine(ctx context.Context, data string) (*engine, error) {
	ctx, cancel := context.WithCancel(ctx)
	cfg := service.Config{EventStore: "memory:", Data: data, LogLevel: "error"}
	cfg.Policies.Disabled = true // the samples play the agent themselves
	svc, err := service.Build(ctx, cfg, nil)
	if err != nil {
		cancel()
		return nil, err
	}
	svc.Start(ctx)
	srv := httptest.NewServer(svc.HTTP)
	return &engine{svc: svc, url: srv.URL, cancel: cancel, stop: func() {
		srv.Close()
		cancel()
		svc.Wait()
		_ = svc.Close()
	}}, nil
}

// newBrowser starts headless Chromium with one tab.
func newBrowser(ctx context.Context, path string) (context.Context, func()) {
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true), chromedp.Flag("disable-dev-shm-usage", true), chromedp.Flag("hide-scrollbars", true))
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	b, cancel := chromedp.NewContext(alloc)
	return b, func() { cancel(); cancelAlloc() }
}

// start starts the browser: on the tab's own context, as a timeout's end would stop it.
func start(b context.Context) error {
	return chromedp.Do(b, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, network.Enable, network.EnableParams{})
		return err
	}))
}

// take loads the page in the language at the width and writes the whole page as PNG.
func take(b context.Context, base string, s shot, file string) error {
	ctx, cancel := context.WithTimeout(b, 30*time.Second)
	defer cancel()
	accept := map[string]string{"zh": "zh-CN,zh;q=0.9", "en": "en-US,en;q=0.9"}[s.lang]
	err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Accept-Language": accept}})
		return err
	}), chromedp.EmulateViewport(s.width, 800), chromedp.Navigate(base+s.path), chromedp.WaitVisible(chromedp.CSS("main")))
	if err != nil {
		return err
	}
	if s.path == "/desk/analyst" { // the charts are drawn after the page loads
		if err := chromedp.Do(ctx, chromedp.Poll[chromedp.Void](`document.querySelectorAll('.chart[data-drawn]').length === 6`)); err != nil {
			return fmt.Errorf("the charts: %w", err)
		}
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		return err
	}
	fmt.Printf("%s  %d bytes\n", file, len(png))
	return os.WriteFile(file, png, 0o644)
}
