package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// The pages scenario: what a person waits for in a browser. Each iteration loads one
// page of pageKinds (--page, default help_ticket) for a prefilled ticket; before the run,
// firstLoad weighs what a browser fetches to show each page the first time.

// pageKind is one page the scenario can load: its path for a worker, and what must
// happen before the run (nil: nothing beyond the prefilled tickets).
type pageKind struct {
	path    func(w *worker) string
	prepare func(e *env, ctx context.Context) error
}

// pageKinds are the pages the scenario knows.
var pageKinds = map[string]pageKind{
	// help_ticket is a customer's ticket page in the help center: the ticket found by
	// number and access code, its public timeline, its forms.
	"help_ticket": {path: func(w *worker) string {
		t := w.env.tickets[w.rnd.IntN(len(w.env.tickets))]
		return "/help/tickets/" + url.PathEscape(t.Number) + "?code=" + url.QueryEscape(t.AccessCode)
	}},
	// desk_queue is the desk's team queue: an agent of team support, signed in (one of a
	// few sessions), looks at the team's open tickets, the prefilled ones.
	"desk_queue": {path: func(*worker) string { return "/desk/team" }, prepare: (*env).signInDesk},
}

// preparePage does what the page kind needs before the run and weighs its first load.
func (e *env) preparePage(ctx context.Context, name string) (weightReport, error) {
	if p := pageKinds[name].prepare; p != nil {
		if err := p(e, ctx); err != nil {
			return weightReport{Page: name}, err
		}
	}
	return e.firstLoad(ctx, name)
}

// pageLoad is one page kind's GET, an iteration of the pages scenario.
func pageLoad(ctx context.Context, w *worker) error {
	name := w.env.o.Page
	return w.env.c.do(ctx, call{kind: "page_" + name, class: classRead, method: http.MethodGet, path: pageKinds[name].path(w), cookie: w.deskCookie(), want: http.StatusOK}, nil)
}

// weightReport is what a browser transfers to show a page the first time, its cache
// empty: the HTML and every style sheet and script the HTML names (images and fonts are
// the system's). Transferred counts status lines and headers too, as a browser's
// network panel does; the server compresses nothing, so bodies travel as they are.
type weightReport struct {
	Page        string      `json:"page"`
	Path        string      `json:"path"`
	Files       []fileBytes `json:"files"`
	BodyBytes   int64       `json:"body_bytes"`
	Transferred int64       `json:"transferred_bytes"`
}

type fileBytes struct {
	Path        string `json:"path"`
	BodyBytes   int64  `json:"body_bytes"`
	Transferred int64  `json:"transferred_bytes"`
}

// subresource finds what an HTML page makes the browser fetch: style sheets and scripts.
var subresource = regexp.MustCompile(`<(?:link[^>]*\brel="stylesheet"[^>]*\bhref|script[^>]*\bsrc)="([^"]+)"`)

// firstLoad weighs the page kind's first load on the first prefilled ticket.
func (e *env) firstLoad(ctx context.Context, name string) (weightReport, error) {
	w := &worker{env: e, rnd: rand.New(rand.NewPCG(uint64(e.o.Seed), 2_000_000))}
	rep := weightReport{Page: name, Path: pageKinds[name].path(w)}
	html, err := e.weigh(ctx, &rep, rep.Path, w.deskCookie())
	if err != nil {
		return rep, err
	}
	for _, m := range subresource.FindAllStringSubmatch(html, -1) {
		if _, err := e.weigh(ctx, &rep, strings.ReplaceAll(m[1], "&amp;", "&"), w.deskCookie()); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// weigh fetches one file as a browser would (gzip offered, the session's cookie if
// any) and adds it to the report.
func (e *env) weigh(ctx context.Context, rep *weightReport, path, cookie string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, e.c.base+path, nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("Accept-Encoding", "gzip, deflate, br")
	req.Header.Set("Accept-Language", "zh-CN,zh;q=0.9,en;q=0.8")
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	res, err := e.c.http.Do(req)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return "", err
	}
	if res.StatusCode != http.StatusOK {
		return "", fmt.Errorf("first load of %s: %s answered %d", rep.Page, path, res.StatusCode)
	}
	head := int64(len(res.Proto) + len(res.Status) + 3) // "HTTP/1.1 200 OK\r\n"
	for k, vs := range res.Header {
		for _, v := range vs {
			head += int64(len(k) + len(v) + 4)
		}
	}
	f := fileBytes{Path: path, BodyBytes: int64(len(body)), Transferred: head + 2 + int64(len(body))}
	rep.Files = append(rep.Files, f)
	rep.BodyBytes += f.BodyBytes
	rep.Transferred += f.Transferred
	return string(body), nil
}
