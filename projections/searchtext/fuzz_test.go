package searchtext_test

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ticketengine/ticketengine/projections/searchtext"
)

// FuzzAnalyze: tokens lie in the text on character boundaries, in order of their
// start, never empty; a message always matches a query of its own text; a snippet is
// valid UTF-8 and marks only what it was asked to. The seeds run with every go test.
func FuzzAnalyze(f *testing.F) {
	for _, s := range []string{"上个月的发票抬头写错了", "Invoices for TK-7F3K9Q, li.wei@example.cn!",
		"パスワードを忘れました。환불 요청", "ＩＮＶＯＩＣＥ ｶﾀｶﾅ café", "a@b.co TK-AAAAAA TK-AAAAAAA", "\xff\xfe发票", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		prev, valid := 0, utf8.ValidString(text) // invalid bytes are characters of their own
		for _, tok := range searchtext.Analyze(text) {
			if tok.Term == "" || tok.Start < prev || tok.End <= tok.Start || tok.End > len(text) ||
				(valid && (!utf8.RuneStart(text[tok.Start]) || (tok.End < len(text) && !utf8.RuneStart(text[tok.End])))) {
				t.Fatalf("%q: bad token %+v after start %d", text, tok, prev)
			}
			prev = tok.Start
		}
		doc := searchtext.Terms(text)
		for _, q := range searchtext.QueryTerms(text) {
			if !slices.Contains(doc, q) {
				t.Fatalf("%q: query term %q is not among the document's %q", text, q, doc)
			}
		}
		snip := searchtext.Snippet(text, searchtext.QueryTerms(text), 40)
		if valid && !utf8.ValidString(snip) {
			t.Fatalf("%q: snippet %q is not UTF-8", text, snip)
		}
		if strings.Count(snip, searchtext.MarkOpen) != strings.Count(snip, searchtext.MarkClose) {
			t.Fatalf("%q: unbalanced marks in %q", text, snip)
		}
	})
}
