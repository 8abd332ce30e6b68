package searchtext_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/ticketengine/ticketengine/projections/searchtext"
)

func terms(text string) []string { return searchtext.Terms(text) }

func TestDocumentTokens(t *testing.T) {
	cases := []struct {
		text string
		want []string
	}{
		{"退钱", []string{"退", "退钱", "钱"}},
		{"上个月", []string{"上", "上个", "个", "个月", "月"}},
		{"Invoices REFUNDED", []string{"invoic", "refund"}},
		{"TK-7F3K9Q", []string{"tk-7f3k9q", "tk", "7f3k9q"}},
		{"Li.Wei@Example.cn", []string{"li.wei@example.cn", "li", "wei", "exampl", "cn"}},
		{"发票 invoice", []string{"发", "发票", "票", "invoic"}},
		{"環불", []string{"環", "環불", "불"}}, // Han and Hangul are one run
		{"パスワード", []string{"パ", "パス", "ス", "スワ", "ワ", "ワー", "ー", "ード", "ド"}},
		{"café 42 x2", []string{"café", "42", "x2"}},
		{"ＩＮＶＯＩＣＥＳ １２３", []string{"invoic", "123"}}, // full-width Latin reads as ASCII
		{"", []string{}},
		{" ,。! ", []string{}},
	}
	for _, c := range cases {
		got := terms(c.text)
		if len(got) == 0 && len(c.want) == 0 {
			continue
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("Terms(%q) = %q, want %q", c.text, got, c.want)
		}
	}
}

func TestQueryTerms(t *testing.T) {
	cases := []struct {
		query string
		want  []string
	}{
		{"钱", []string{"钱"}},
		{"发票", []string{"发票"}},
		{"发票抬头", []string{"发票", "票抬", "抬头"}},
		{"invoices", []string{"invoic"}},
		{"tk-7f3k9q", []string{"tk-7f3k9q"}},
		{"LI.WEI@example.CN", []string{"li.wei@example.cn"}},
		{"refund refunded", []string{"refund"}},
		{"发票 invoice TK-7F3K9Q", []string{"tk-7f3k9q", "发票", "invoic"}},
		{"a@b.coé", []string{"a@b.co", "coé"}}, // a word running past an address is kept
		{"  !? ", nil},
	}
	for _, c := range cases {
		got := searchtext.QueryTerms(c.query)
		if len(got) == 0 && len(c.want) == 0 {
			continue
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("QueryTerms(%q) = %q, want %q", c.query, got, c.want)
		}
	}
}

// TestQueryFindsWordsInSentences: every query term of the words users type is among
// the document terms of the sentences that hold them.
func TestQueryFindsWordsInSentences(t *testing.T) {
	cases := []struct{ query, text string }{
		{"发票", "上个月的发票抬头写错了"},
		{"钱", "我想退钱"},
		{"抬头写", "上个月的发票抬头写错了"},
		{"invoices", "Where is my invoice?"},
		{"refunded", "I want a refund."},
		{"tk-7f3k9q", "关于工单TK-7F3K9Q的问题"},
		{"li.wei@example.cn", "请回复 li.wei@example.cn 谢谢"},
	}
	for _, c := range cases {
		doc := map[string]bool{}
		for _, term := range terms(c.text) {
			doc[term] = true
		}
		for _, q := range searchtext.QueryTerms(c.query) {
			if !doc[q] {
				t.Errorf("%q: term %q of the query is not in %q", c.query, q, c.text)
			}
		}
	}
}

func TestTokenOffsets(t *testing.T) {
	text := "请退钱, TK-7F3K9Q!"
	for _, tok := range searchtext.Analyze(text) {
		if got := strings.ToLower(text[tok.Start:tok.End]); got != tok.Term && !strings.HasPrefix(got, tok.Term) {
			t.Errorf("token %q covers %q", tok.Term, got)
		}
	}
}

func TestSnippet(t *testing.T) {
	cases := []struct {
		text, query string
		width       int
		want        string
	}{
		{"上个月的发票抬头写错了", "发票", 120, "上个月的<mark>发票</mark>抬头写错了"},
		{"我想退钱", "钱", 120, "我想退<mark>钱</mark>"},
		{"Two invoices <b>wrong</b>", "invoice", 120, "Two <mark>invoices</mark> &lt;b&gt;wrong&lt;/b&gt;"},
		{"a b c d e f g h invoice i j k", "invoice", 8, "…h <mark>invoice</mark>…"},
		{"no match here", "发票", 120, "no match here"},
	}
	for _, c := range cases {
		got := searchtext.Snippet(c.text, searchtext.QueryTerms(c.query), c.width)
		if got != c.want {
			t.Errorf("Snippet(%q, %q) = %q, want %q", c.text, c.query, got, c.want)
		}
	}
}
