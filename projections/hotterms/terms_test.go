package hotterms

import (
	"slices"
	"strings"
	"testing"
)

func TestTermsCutChineseIntoWordsNotFragments(t *testing.T) {
	got := Terms("退款失败了，请尽快处理")
	for _, want := range []string{"退款", "失败"} {
		if !slices.Contains(got, want) {
			t.Errorf("Terms = %q, want %q among them", got, want)
		}
	}
	for _, fragment := range []string{"款失", "败了", "退", "款"} {
		if slices.Contains(got, fragment) {
			t.Errorf("Terms = %q holds the fragment %q", got, fragment)
		}
	}
}

func TestTermsDropStopWordsAndKeepDomainWords(t *testing.T) {
	got := Terms("您好，请问我的发票什么时候开？验证码收不到，谢谢")
	for _, want := range []string{"发票", "验证码"} {
		if !slices.Contains(got, want) {
			t.Errorf("Terms = %q, want %q", got, want)
		}
	}
	for _, noise := range []string{"您好", "请问", "什么", "谢谢", "时候"} {
		if slices.Contains(got, noise) {
			t.Errorf("Terms = %q holds the stop word %q", got, noise)
		}
	}
}

func TestTermsStemEnglishLikeSearch(t *testing.T) {
	got := Terms("Hello, my refunds FAILED again for order 12345 (AB7), thanks!")
	want := []string{"refund", "fail", "order"}
	if !slices.Equal(got, want) {
		t.Errorf("Terms = %q, want %q", got, want)
	}
	if a, b := Terms("refund failed"), Terms("refunds failing"); !slices.Equal(a, b) {
		t.Errorf("forms of one word differ: %q and %q", a, b)
	}
}

func TestTermsAreDistinctAndBounded(t *testing.T) {
	if got := Terms("退款 退款 refund refunds"); !slices.Equal(got, []string{"退款", "refund"}) {
		t.Errorf("Terms = %q, want each term once", got)
	}
	var long strings.Builder
	for i := 0; i < 200; i++ {
		long.WriteString("word" + strings.Repeat("x", i%50+1) + "y ")
	}
	if got := Terms(long.String()); len(got) != MaxTerms {
		t.Errorf("%d terms of a long text, want the first %d", len(got), MaxTerms)
	}
	if got := Terms(""); len(got) != 0 {
		t.Errorf("Terms(\"\") = %q", got)
	}
}

// BenchmarkTerms is the cost of one ticket's terms (a subject and a short body in
// Chinese and English): what the hot_tickets projection adds to each TicketReceived.
func BenchmarkTerms(b *testing.B) {
	Terms("warm up") // the dictionary loads once, not timed
	text := "退款失败了，订单号 12345\n您好，我上周申请的退款一直没有到账，支付宝显示失败。Refund failed for order 12345, please check the payment."
	b.ReportAllocs()
	for b.Loop() {
		Terms(text)
	}
}
