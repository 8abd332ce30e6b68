// Package searchtext is the one text analyzer of ticket search: it turns a message into
// the tokens an index stores and a query into the tokens a match needs. Both search
// backends (the embedded index and PostgreSQL) index exactly these tokens, so that they
// find the same messages.
//
// Token rules (docs/SEARCH.md repeats them for users):
//   - Han, Hiragana, Katakana and Hangul runs: every character alone and every
//     overlapping pair of neighbours (上个月 → 上, 上个, 个, 个月, 月). A query run of one
//     character needs that character; a longer run needs its chain of pairs (发票抬头 →
//     发票, 票抬, 抬头), so a one- or two-character word is found inside any sentence.
//   - Other letters and digits: words, lower-cased, full-width Latin letters and digits
//     read as ASCII (ｉｎｖｏｉｃｅ is invoice); a word of ASCII letters only is
//     stemmed with the English Snowball (Porter2) stemmer (invoices, invoiced → invoic).
//   - Ticket numbers (TK- and six letters or digits) and email addresses, any case: one
//     whole token each, lower-cased (tk-7f3k9q, li.wei@example.cn). A document also gets
//     their words; a query asks for the whole token only.
//   - Everything else (spaces, punctuation, symbols) separates tokens and is not indexed.
//     There are no stop words: a query word must be in the message.
package searchtext

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/english"
	"golang.org/x/text/width"
)

// Token is one index token and where it came from in the text (byte offsets, End
// exclusive), for highlighting.
type Token struct {
	Term       string
	Start, End int
}

// whole matches the tokens kept whole: ticket numbers and email addresses.
var whole = regexp.MustCompile(`(?i)\bTK-[0-9A-Z]{6}\b|[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}`)

// Analyze returns the tokens of a document's text, ordered by where they start.
func Analyze(text string) []Token {
	out := wholeTokens(text)
	out = mergeByStart(out, scan(text, true))
	return out
}

// QueryTerms returns the distinct tokens a document must all hold to match the query
// text, in the order they appear; none for a query with nothing to search.
func QueryTerms(text string) []string {
	spans := whole.FindAllStringIndex(text, -1)
	terms := make([]string, 0, 8)
	for _, s := range spans {
		terms = append(terms, strings.ToLower(text[s[0]:s[1]]))
	}
	k := 0 // spans and tokens are both in order: one pass over each
	for _, t := range scan(text, false) {
		for k < len(spans) && spans[k][1] <= t.Start {
			k++
		}
		if k == len(spans) || t.Start < spans[k][0] || t.End > spans[k][1] { // not inside span k
			terms = append(terms, t.Term)
		}
	}
	return dedupe(terms)
}

func wholeTokens(text string) []Token {
	var out []Token
	for _, s := range whole.FindAllStringIndex(text, -1) {
		out = append(out, Token{Term: strings.ToLower(text[s[0]:s[1]]), Start: s[0], End: s[1]})
	}
	return out
}

// scan splits text into CJK runs and words. document chooses the CJK rule: every
// character and every pair for a document, the pairs only (or the lone character) for
// a query.
func scan(text string, document bool) []Token {
	var out []Token
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case isCJK(r):
			end := RunEnd(text, i, isCJK)
			out = cjk(out, text, i, end, document)
			i = end
		case isWord(r):
			end := RunEnd(text, i, isWord)
			out = append(out, Token{Term: normalize(text[i:end]), Start: i, End: end})
			i = end
		default:
			i += size
		}
	}
	return out
}

// cjk appends the tokens of the CJK run text[start:end].
func cjk(out []Token, text string, start, end int, document bool) []Token {
	var offs []int
	for i := start; i < end; {
		offs = append(offs, i)
		_, size := utf8.DecodeRuneInString(text[i:])
		i += size
	}
	offs = append(offs, end)
	n := len(offs) - 1
	for k := 0; k < n; k++ {
		if document || n == 1 {
			out = append(out, Token{Term: text[offs[k]:offs[k+1]], Start: offs[k], End: offs[k+1]})
		}
		if k+2 <= n {
			out = append(out, Token{Term: text[offs[k]:offs[k+2]], Start: offs[k], End: offs[k+2]})
		}
	}
	return out
}

// RunEnd is the end of the run of runes in (in) that starts at byte i of text: i itself
// when the rune there is not in it. The analyzers of search and of hot terms (hotterms)
// split text into runs with it.
func RunEnd(text string, i int, in func(rune) bool) int {
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !in(r) {
			break
		}
		i += size
	}
	return i
}

// isCJK: the scripts written without spaces, with the Katakana prolonged sound marks
// and the ideographic iteration mark, which Unicode counts as common to all scripts.
func isCJK(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) ||
		r == 'ー' || r == 'ｰ' || r == '々'
}

// isWord: letters, digits and combining marks (so that "café" stays one word) that are
// not CJK.
func isWord(r rune) bool {
	return (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)) && !isCJK(r)
}

// normalize lower-cases a word and stems it when it is made of ASCII letters only:
// the English stemmer would mangle numbers, codes and other languages.
func normalize(word string) string {
	w := strings.ToLower(width.Narrow.String(word))
	for i := 0; i < len(w); i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return w
		}
	}
	env := snowballstem.NewEnv(w)
	english.Stem(env)
	return env.Current()
}

// mergeByStart merges two token lists each ordered by Start; on a tie a comes first.
func mergeByStart(a, b []Token) []Token {
	if len(a) == 0 {
		return b
	}
	out := make([]Token, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		if j == len(b) || (i < len(a) && a[i].Start <= b[j].Start) {
			out = append(out, a[i])
			i++
		} else {
			out = append(out, b[j])
			j++
		}
	}
	return out
}

func dedupe(terms []string) []string {
	seen := make(map[string]bool, len(terms))
	out := terms[:0]
	for _, t := range terms {
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

// Terms returns the distinct terms of a document's text, for a store that keeps a set.
func Terms(text string) []string {
	toks := Analyze(text)
	terms := make([]string, len(toks))
	for i, t := range toks {
		terms[i] = t.Term
	}
	return dedupe(terms)
}
