// Package hotterms finds the significant terms of a ticket's text for the hot-issue
// counts (docs/HOT-ISSUES.md): Chinese words cut by a dictionary segmenter, English words
// stemmed as ticket search stems them, less the words that say nothing (stop words).
//
// Search indexes Chinese by characters and overlapping pairs (projections/searchtext),
// which finds any word inside a sentence but, counted, makes fragments: 退款失败 gives
// 退款, 款失 and 失败, and 款失 is no issue anyone has. Counting needs words, so this
// package cuts Chinese runs with gse (github.com/go-ego/gse, a pure-Go port of the jieba
// segmenter): 退款失败 → 退款, 失败.
//
// gse's own embedded dictionaries take about 5 s and 130 MB to load; this package loads,
// once and only when first asked, a trimmed dictionary instead (zh_words.txt: the 20,000
// most frequent words of gse's simplified-Chinese dictionary and its single characters,
// about 0.2 s and 10 MB) plus the customer-service words that dictionary ranks too low
// (domain_words.txt). docs/HOT-ISSUES.md says how zh_words.txt was made.
package hotterms

import (
	_ "embed"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/go-ego/gse"

	"github.com/ticketengine/ticketengine/projections/searchtext"
)

var (
	//go:embed zh_words.txt
	zhWords string
	//go:embed domain_words.txt
	domainWords string
	//go:embed stopwords.txt
	stopWords string
)

// MaxTerms bounds the terms kept of one ticket (the first ones in its text): a long mail
// must not weigh more in the counts, nor make a row of thousands of terms.
const MaxTerms = 24

// Chinese runs are cut by the dictionary alone, without gse's HMM for words it does not
// know: the HMM doubles the cost of a ticket's terms, and a word the dictionary lacks
// falls into single characters, which are not counted (add it to domain_words.txt).

// domainFreq is the frequency the domain words get: that of a common word (发票 has 271
// in zh_words.txt), high enough that the segmenter prefers them to their characters.
const domainFreq = 2000

var (
	loadOnce sync.Once
	seg      gse.Segmenter
	stop     map[string]bool
)

// load builds the segmenter and the stop words, once per process.
func load() {
	seg.SkipLog = true
	var dict strings.Builder
	dict.WriteString(zhWords)
	for _, w := range lines(domainWords) {
		dict.WriteString(w + " " + strconv.Itoa(domainFreq) + "\n")
	}
	if err := seg.LoadDictStr(dict.String()); err != nil {
		panic("hotterms: the embedded dictionary does not load: " + err.Error())
	}
	stop = map[string]bool{}
	for _, line := range lines(stopWords) {
		for _, w := range strings.Fields(line) {
			stop[w] = true
			stop[searchtext.Word(w)] = true
		}
	}
}

// lines are the non-empty lines of an embedded list that are no comment.
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out
}

// Terms returns the distinct significant terms of text, in the order they first appear,
// at most MaxTerms: Chinese words of two or more characters, and English words of three
// or more letters, stemmed (refunds → refund, failed → fail); no stop words, numbers,
// codes or single characters.
func Terms(text string) []string {
	loadOnce.Do(load)
	var out []string
	seen := map[string]bool{}
	add := func(t string) bool {
		if t != "" && !stop[t] && !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
		return len(out) < MaxTerms
	}
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case unicode.Is(unicode.Han, r):
			end := searchtext.RunEnd(text, i, func(r rune) bool { return unicode.Is(unicode.Han, r) })
			for _, w := range seg.Cut(text[i:end]) {
				if utf8.RuneCountInString(w) >= 2 && allHan(w) && !add(w) {
					return out
				}
			}
			i = end
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			end := searchtext.RunEnd(text, i, func(r rune) bool {
				return (unicode.IsLetter(r) || unicode.IsDigit(r)) && !unicode.Is(unicode.Han, r)
			})
			if w := englishWord(text[i:end]); w != "" && !add(w) {
				return out
			}
			i = end
		default:
			i += size
		}
	}
	return out
}

// englishWord is a word of three or more ASCII letters (after width folding), not a stop
// word, stemmed; "" for anything else (numbers, codes, other scripts).
func englishWord(w string) string {
	n := searchtext.Word(w)
	if len(w) < 3 || stop[strings.ToLower(w)] {
		return ""
	}
	for i := 0; i < len(n); i++ {
		if n[i] < 'a' || n[i] > 'z' {
			return ""
		}
	}
	if len(n) < 3 {
		return ""
	}
	return n
}

func allHan(w string) bool {
	for _, r := range w {
		if !unicode.Is(unicode.Han, r) {
			return false
		}
	}
	return true
}
