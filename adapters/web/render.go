package web

import (
	"bytes"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"time"

	"github.com/ticketengine/ticketengine/application/query"
)

// page is what every template gets: the language and its catalogue, the current URL
// (for the switcher), and the page's own data.
type page struct {
	Lang     string
	Msg      catalogue
	Here     string // the request URI, where the switcher comes back to
	Title    string // a message key
	Features Features
	Errors   []fieldMessage
	Form     map[string]string
	Ticket   *ticketView
	Number   string
	Code     string
	Token    string
	Message  string // a message key: the error page's text, or a notice
	// User is who is signed in to the desk (desk pages only); Desk is the desk page's own data.
	User *DeskUser
	Desk any
	// Knowledge: the knowledge base's pages are served (Options.Knowledge).
	Knowledge bool
}

// fieldMessage is a refused field, by name: the page shows its label (the catalogue's
// field.<name>) and the catalogue's reason, in the page's language.
type fieldMessage struct {
	Field string
}

var funcs = template.FuncMap{
	// t is a message of the page's catalogue, formatted with args; a missing key shows
	// itself (the catalogue test makes sure none is missing).
	"t": func(m catalogue, key string, args ...any) string {
		s, ok := m[key]
		if !ok {
			return key
		}
		if len(args) > 0 {
			return fmt.Sprintf(s, args...)
		}
		return s
	},
	"seq": func(from, to int) []int { return seq(from, to) },
	// at shows a view's moment as the pages show times (when).
	"at": func(t query.JSONTime) string { return when(time.Time(t)) },
}

func seq(from, to int) []int {
	out := make([]int, 0, to-from+1)
	for i := from; i <= to; i++ {
		out = append(out, i)
	}
	return out
}

// pageData is what a page renders: a *page, or a page's data embedding one.
type pageData interface{ language() string }

// language is the page's language: which of the pages' baked template sets renders it.
func (p *page) language() string { return p.Lang }

// newPage is the page data for the request's language.
func (s *Server) newPage(r *http.Request, title string) *page {
	l := chooseLanguage(r)
	return &page{Lang: l, Msg: s.cats[l], Here: r.URL.RequestURI(), Title: title,
		Features: s.Customers.Features(), Form: map[string]string{}, Knowledge: s.Knowledge != nil}
}

// render writes a page; it renders into a buffer first, so a template error is a clean
// 500 rather than half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p *page) {
	s.execute(w, r, status, name, p)
}

// execute renders page name's layout with data (a *page, or a page embedding one).
func (s *Server) execute(w http.ResponseWriter, r *http.Request, status int, name string, data pageData) {
	s.renders.Add(1)
	var buf bytes.Buffer
	if err := s.pages[data.language()][name].ExecuteTemplate(&buf, "layout", data); err != nil {
		s.Logger.ErrorContext(r.Context(), "page did not render", slog.String("page", name), slog.Any("err", err))
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	writePage(w, status, buf.Bytes())
}

// writePage writes a rendered page: HTML, never stored by the browser.
func writePage(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// fail renders the error page with a message key.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, status int, key string) {
	p := s.newPage(r, "error.title")
	p.Message = key
	if status == http.StatusTooManyRequests {
		w.Header().Set("Retry-After", "60")
	}
	s.render(w, r, status, "error", p)
}

// when formats a time for a page: UTC, to the minute, the same in both languages.
func when(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}
