package searchtext

import (
	"html"
	"strings"
	"unicode/utf8"
)

// Snippet marks, Snippet's default width.
const (
	MarkOpen      = "<mark>"
	MarkClose     = "</mark>"
	SnippetLength = 120 // characters of text around the first match
)

// Snippet returns a piece of text of about width characters around the first token
// of the text that is one of the query terms, HTML-escaped, each match wrapped in
// <mark></mark>, with "…" where text was cut. Both backends build it here from the
// stored text, so that they show the same snippet.
func Snippet(text string, terms []string, width int) string {
	want := make(map[string]bool, len(terms))
	for _, t := range terms {
		want[t] = true
	}
	var marks [][2]int // merged byte ranges to mark, in order
	for _, t := range Analyze(text) {
		if !want[t.Term] {
			continue
		}
		if n := len(marks); n > 0 && t.Start <= marks[n-1][1] {
			marks[n-1][1] = max(marks[n-1][1], t.End)
			continue
		}
		marks = append(marks, [2]int{t.Start, t.End})
	}
	from, to := window(text, marks, width)
	var b strings.Builder
	if from > 0 {
		b.WriteString("…")
	}
	at := from
	for _, m := range marks {
		s, e := max(m[0], from), min(m[1], to)
		if s >= e {
			continue
		}
		b.WriteString(html.EscapeString(text[at:s]))
		b.WriteString(MarkOpen + html.EscapeString(text[s:e]) + MarkClose)
		at = e
	}
	b.WriteString(html.EscapeString(text[at:to]))
	if to < len(text) {
		b.WriteString("…")
	}
	return b.String()
}

// window chooses the byte range [from, to) of about width characters, starting a
// quarter of the width before the first mark, on character boundaries.
func window(text string, marks [][2]int, width int) (int, int) {
	if width <= 0 {
		width = SnippetLength
	}
	from := 0
	if len(marks) > 0 {
		from = back(text, marks[0][0], width/4)
	}
	to := from
	for n := 0; n < width && to < len(text); n++ {
		_, size := utf8.DecodeRuneInString(text[to:])
		to += size
	}
	if len(marks) > 0 {
		to = max(to, marks[0][1]) // never cut the first match
	}
	return from, to
}

// back returns the offset n characters before at (or 0).
func back(text string, at, n int) int {
	for ; n > 0 && at > 0; n-- {
		_, size := utf8.DecodeLastRuneInString(text[:at])
		at -= size
	}
	return at
}
