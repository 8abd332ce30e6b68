package markdown_test

import (
	"strings"
	"testing"

	"github.com/ticketengine/ticketengine/projections/markdown"
)

func TestRendersMarkdown(t *testing.T) {
	got := markdown.HTML("## 发票\n\n在**订单页**申请。\n\n- 一\n- 二\n\n[help](https://example.com/help)")
	for _, want := range []string{"<h2", "发票</h2>", "<strong>订单页</strong>", "<li>一</li>", `href="https://example.com/help"`, `rel="nofollow`} {
		if !strings.Contains(got, want) {
			t.Errorf("rendered %q lacks %q", got, want)
		}
	}
}

func TestSanitises(t *testing.T) {
	for _, bad := range []string{
		"<script>alert(1)</script>",
		`<img src=x onerror="alert(1)">`,
		"[click](javascript:alert(1))",
		`<a href="javascript:alert(1)">x</a>`,
		`<iframe src="https://evil.example"></iframe>`,
		`<div style="background:url(javascript:alert(1))">x</div>`,
	} {
		got := strings.ToLower(markdown.HTML(bad))
		for _, s := range []string{"<script", "onerror", "javascript:", "<iframe", "style="} {
			if strings.Contains(got, s) {
				t.Errorf("HTML(%q) = %q keeps %q", bad, got, s)
			}
		}
	}
	if got := markdown.HTML("a <kbd>Ctrl</kbd> b"); !strings.Contains(got, "<kbd>Ctrl</kbd>") {
		t.Errorf("harmless inline HTML dropped: %q", got)
	}
}
