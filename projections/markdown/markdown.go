// Package markdown renders an article's Markdown to HTML that is safe to show: goldmark
// (CommonMark with GitHub tables, strikethrough and autolinks) renders, and bluemonday's
// user-generated-content policy removes whatever a page must not run (scripts, event
// handlers, javascript: links, raw HTML goldmark passes through unsafe). Both are pure
// text code, so the package sits beside the search analyzer for the API and the pages
// alike. Links get rel="nofollow noopener" and open nothing automatically.
package markdown

import (
	"bytes"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer/html"
)

var (
	md = goldmark.New(
		goldmark.WithExtensions(extension.GFM),
		// Raw HTML in the source is kept for the sanitiser to judge rather than dropped:
		// an author's <kbd> or <br> survives, a <script> does not.
		goldmark.WithRendererOptions(html.WithUnsafe()),
	)
	policy = func() *bluemonday.Policy {
		p := bluemonday.UGCPolicy()
		p.RequireNoFollowOnLinks(true)
		p.AddTargetBlankToFullyQualifiedLinks(false)
		p.AllowElements("kbd")
		return p
	}()
)

// HTML renders markdown and sanitises the result. A Markdown source always renders, so
// there is no error: goldmark's only failures are the writer's, and a buffer's never fail.
func HTML(source string) string {
	var buf bytes.Buffer
	if err := md.Convert([]byte(source), &buf); err != nil {
		return policy.Sanitize(source)
	}
	return policy.Sanitize(buf.String())
}
