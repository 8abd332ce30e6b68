package web

import (
	"html/template"
	"regexp"
	"strconv"
	"strings"
)

// Baking the catalogue into the templates.
//
// Every string a page shows is a catalogue message, written in the templates as
// {{t .Msg "key"}}. Executed per request, each is two reflected calls (the t function
// and html/template's escaper; both variadic, so each allocates its arguments): about
// three quarters of a help-center ticket page's CPU (docs/PERFORMANCE.md, "The help
// center's pages"). A message with a constant key and no arguments is the same text on
// every request in a language, so the pages are parsed once per language with each such
// call replaced by its message, escaped as HTML text: no work at request time. The
// templates' source keeps every string in the catalogues; calls with a computed key or
// arguments stay calls. Loops over constant ranges are unrolled first (unroll), so their
// options are baked too.
//
// The escaped text is right in an element's text and in a quoted attribute value, the
// only places the templates show messages. A call in a URL, style or event attribute, or
// in an unquoted attribute, would need another escaping: such a call is left to
// html/template (bakeable refuses it).

// seqRange is a loop over a constant range ({{range seq 1 5}}…{{end}}, the rating
// form's options) whose body holds no other action block: unrolled before baking, its
// {{.}} and (print "key." .) become constants, and so do its messages.
var seqRange = regexp.MustCompile(`\{\{range seq (\d+) (\d+)\}\}((?:[^{]|\{[^{]|\{\{[^/ierw])*?)\{\{end\}\}`)

// printKey is a message key built from the loop's value: (print "key." .).
var printKey = regexp.MustCompile(`\(print "([^"]+)" \.\)`)

// unroll expands every seqRange of src.
func unroll(src string) string {
	return seqRange.ReplaceAllStringFunc(src, func(loop string) string {
		m := seqRange.FindStringSubmatch(loop)
		from, _ := strconv.Atoi(m[1])
		to, _ := strconv.Atoi(m[2])
		if to-from > 100 {
			return loop
		}
		var out strings.Builder
		for i := from; i <= to; i++ {
			n := strconv.Itoa(i)
			body := printKey.ReplaceAllString(m[3], `"${1}`+n+`"`)
			out.WriteString(strings.ReplaceAll(body, "{{.}}", n))
		}
		return out.String()
	})
}

// constantMessage is a call of t with a constant key and no arguments.
var constantMessage = regexp.MustCompile(`\{\{t \$?\.Msg "([^"]+)"\}\}`)

// unsafeBefore matches the text before a call that sits in a URL, style or event
// attribute's value, or right after an attribute's = (unquoted).
var unsafeBefore = regexp.MustCompile(`(?i)(\s(href|src|action|formaction|style|on\w+)="[^"]*|=)$`)

// bake returns a template's source with each bakeable constant message replaced by its
// escaped text in catalogue c; a key c lacks stays a call (which shows the key).
func bake(src string, c catalogue) string {
	src = unroll(src)
	var out []byte
	last := 0
	for _, m := range constantMessage.FindAllStringSubmatchIndex(src, -1) {
		start, end, key := m[0], m[1], src[m[2]:m[3]]
		text, ok := c[key]
		if !ok || strings.Contains(text, "{{") || !bakeable(src[:start]) {
			continue
		}
		out = append(out, src[last:start]...)
		out = append(out, template.HTMLEscapeString(text)...)
		last = end
	}
	return string(append(out, src[last:]...))
}

// bakeable reports whether a call after text before may be replaced by HTML-escaped text.
func bakeable(before string) bool {
	return !unsafeBefore.MatchString(before)
}
